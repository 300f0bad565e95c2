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
     * Median timings over the timed runs (medians resist the other tenants of a shared machine better than means):
     * wall seconds of the transformer (sampling and next-scale inputs included) and of the tokenizer decode, per-scale
     * wall seconds, and process CPU seconds of each (all native threads). {@code samplingOverForward} is the median of
     * each run's sampling time over the teacher-forced forward measured right after it (the KV cache's target is below
     * 1.3): pairing the two cancels the machine's drift between runs. {@code runSeconds} and {@code runForwardSeconds}
     * are the timed runs in order (the latter empty without the cache), to show the spread behind the medians.
     */
    public record Result(String name, long parameters, double transformerSeconds, double transformerCpuSeconds, double decodeSeconds,
                         double decodeCpuSeconds, double[] scaleSeconds, double gflopsPerImage, double teacherForcedSeconds,
                         double samplingOverForward, int runs, double[] runSeconds, double[] runForwardSeconds) {
        public double gflopsPerSecond() { return gflopsPerImage / transformerSeconds; }
    }

    /**
     * One configuration: {@code warmup} untimed and {@code runs} timed generations of B prompts of {@code promptTokens}
     * tokens; after each, a decode of its result when {@code vae} is given and, with the KV cache, one teacher-forced
     * forward of the whole sequence at the batch the sampler runs (doubled by guidance). Interleaving keeps the
     * sampling / forward ratio fair when the machine's speed drifts.
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
        int rows = guided(options) ? 2 * batch : batch;
        double[] t = new double[runs], tCpu = new double[runs], d = new double[runs], dCpu = new double[runs], forward = new double[runs],
                ratio = new double[runs];
        double[][] perScale = new double[schedule.size()][runs];
        for (int i = 0; i < warmup + runs; i++) {
            int r = i - warmup;
            long cpu0 = processCpuNanos();
            try (Generation g = gen.generate(text, schedule, options.toBuilder().seed(i).decode(false).build())) {
                long cpu1 = processCpuNanos();
                if (vae != null) {
                    long w0 = System.nanoTime();
                    vae.decode(g.summedCodes()).close();
                    if (r >= 0) {
                        d[r] = (System.nanoTime() - w0) / 1e9;
                        dCpu[r] = (processCpuNanos() - cpu1) / 1e9;
                    }
                }
                if (r >= 0) {
                    t[r] = g.transformerSeconds();
                    tCpu[r] = (cpu1 - cpu0) / 1e9;
                    for (int s = 0; s < perScale.length; s++) perScale[s][r] = g.scaleSeconds()[s];
                }
            }
            if (options.kvCache()) {
                double f = teacherForcedSeconds(manager, model, schedule, rows, features, promptTokens);
                if (r >= 0) {
                    forward[r] = f;
                    ratio[r] = t[r] / f;
                }
            }
        }
        double[] scales = new double[perScale.length];
        for (int s = 0; s < scales.length; s++) scales[s] = median(perScale[s]);
        return new Result(name, config.parameterCount(), median(t), median(tCpu), median(d), median(dCpu), scales,
                flops(config, schedule, options, batch, promptTokens) / 1e9, options.kvCache() ? median(forward) : Double.NaN,
                options.kvCache() ? median(ratio) : Double.NaN, runs, t, options.kvCache() ? forward : new double[0]);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Wall seconds of one training-path forward over every token of the schedule, logits read back. */
    private static double teacherForcedSeconds(NDManager manager, Infinity model, ScaleSchedule schedule, int rows, NDArray features, int promptTokens) {
        int[] lens = new int[rows];
        java.util.Arrays.fill(lens, promptTokens);
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(rows, schedule.tokens() - 1, model.config().codebookDim()));
            NDArray prompt = features.get("0:{}", promptTokens);
            prompt.attach(scope);
            NDList copies = new NDList();
            for (int r = 0; r < rows; r++) copies.add(prompt);
            TextCondition tc = TextCondition.of(NDArrays.concat(copies, 0), lens);   // (rows * promptTokens, channels)
            long t0 = System.nanoTime();
            model.forward(tc, x, schedule).toFloatArray();
            return (System.nanoTime() - t0) / 1e9;
        }
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
