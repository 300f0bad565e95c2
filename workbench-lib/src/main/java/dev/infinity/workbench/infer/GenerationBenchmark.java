package dev.infinity.workbench.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

/**
 * Seconds per generated image with random weights: transformer (all scales, CFG-doubled batch, sampling, next-scale
 * inputs) and tokenizer decode, per-scale latency, achieved GFLOP/s of the transformer, with and without KV cache.
 */
public final class GenerationBenchmark {
    private GenerationBenchmark() {}

    /**
     * Mean timings over the timed runs: wall seconds of the transformer (sampling and next-scale inputs included) and
     * of the tokenizer decode, per-scale wall seconds, and process CPU seconds of each (all native threads; less
     * sensitive to other processes than wall time).
     */
    public record Result(String name, long parameters, double transformerSeconds, double transformerCpuSeconds, double decodeSeconds,
                         double decodeCpuSeconds, double[] scaleSeconds, double gflopsPerImage, double teacherForcedSeconds, int runs) {
        public double gflopsPerSecond() { return gflopsPerImage / transformerSeconds; }

        /** Sampling time over one teacher-forced forward of the same tokens (the KV cache's target is below 1.3). */
        public double samplingOverForward() { return transformerSeconds / teacherForcedSeconds; }
    }

    /**
     * One configuration: {@code warmup} untimed and {@code runs} timed generations of B prompts of {@code promptTokens}
     * tokens (transformer only), then as many timed decodes of the last result when {@code vae} is given, and as many
     * timed teacher-forced forwards of the whole sequence at the batch the sampler runs (doubled by guidance).
     */
    public static Result run(NDManager manager, String name, InfinityConfig config, BsqVae vae, ScaleSchedule schedule, GenerationOptions options,
                             int batch, int promptTokens, int warmup, int runs) {
        manager.getEngine().setRandomSeed(0);
        Infinity model = new Infinity(manager, config);
        InfinityGenerator gen = new InfinityGenerator(model, vae);
        int[] lens = new int[batch];
        java.util.Arrays.fill(lens, promptTokens);
        NDArray features = manager.randomNormal(new Shape((long) batch * promptTokens, config.textChannels()));
        TextCondition text = TextCondition.of(features, lens);
        double t = 0, d = 0, tCpu = 0, dCpu = 0;
        double[] perScale = new double[schedule.size()];
        for (int i = 0; i < warmup + runs; i++) {
            long cpu0 = processCpuNanos();
            try (Generation g = gen.generate(text, schedule, options.toBuilder().seed(i).decode(false).build())) {
                long cpu1 = processCpuNanos();
                if (vae != null) {
                    long w0 = System.nanoTime();
                    vae.decode(g.summedCodes()).close();
                    if (i >= warmup) {
                        d += (System.nanoTime() - w0) / 1e9;
                        dCpu += (processCpuNanos() - cpu1) / 1e9;
                    }
                }
                if (i < warmup) continue;
                t += g.transformerSeconds();
                tCpu += (cpu1 - cpu0) / 1e9;
                for (int s = 0; s < perScale.length; s++) perScale[s] += g.scaleSeconds()[s] / runs;
            }
        }
        double forward = options.kvCache() ? teacherForcedSeconds(manager, model, schedule, guided(options) ? 2 * batch : batch, features, promptTokens, warmup, runs) : Double.NaN;
        return new Result(name, config.parameterCount(), t / runs, tCpu / runs, d / runs, dCpu / runs, perScale,
                flops(config, schedule, options, batch, promptTokens) / 1e9, forward, runs);
    }

    /** Mean wall seconds of the training-path forward over every token of the schedule, logits read back. */
    private static double teacherForcedSeconds(NDManager manager, Infinity model, ScaleSchedule schedule, int rows, NDArray features,
                                               int promptTokens, int warmup, int runs) {
        int[] lens = new int[rows];
        java.util.Arrays.fill(lens, promptTokens);
        double total = 0;
        for (int i = 0; i < warmup + runs; i++) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.randomNormal(new Shape(rows, schedule.tokens() - 1, model.config().codebookDim()));
                NDArray prompt = features.get("0:{}", promptTokens);
                prompt.attach(scope);
                NDList copies = new NDList();
                for (int r = 0; r < rows; r++) copies.add(prompt);
                TextCondition tc = TextCondition.of(NDArrays.concat(copies, 0), lens);   // (rows * promptTokens, channels)
                long t0 = System.nanoTime();
                model.forward(tc, x, schedule).toFloatArray();
                if (i >= warmup) total += (System.nanoTime() - t0) / 1e9;
            }
        }
        return total / runs;
    }

    private static boolean guided(GenerationOptions o) {
        for (double v : o.cfg()) if (v != 1) return true;
        return false;
    }

    /** CPU time of the whole process (all native threads). */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** Transformer FLOPs of one generation (CFG doubles the batch; without cache every scale recomputes its prefix). */
    public static double flops(InfinityConfig c, ScaleSchedule schedule, GenerationOptions o, int batch, int promptTokens) {
        int b = guided(o) ? 2 * batch : batch;
        double total = 0;
        for (int s = 0; s < schedule.size(); s++) {
            long end = schedule.tokensBefore(s + 1);
            if (o.kvCache()) {
                total += c.forwardFlops(schedule.get(s).tokens(), end, promptTokens, b);
            } else {
                for (int j = 0; j <= s; j++) total += c.forwardFlops(schedule.get(j).tokens(), schedule.tokensBefore(j + 1), promptTokens, b);
            }
        }
        return total;
    }

    /** fp32 matmul GFLOP/s of an n x n product on the manager's device (best of a few). */
    public static double matmulPeak(NDManager manager, int n, int iters) {
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n)), b = m.randomNormal(new Shape(n, n));
            a.matMul(b).toFloatArray();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < iters; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.getFloat(0, 0);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                c.close();
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }
}
