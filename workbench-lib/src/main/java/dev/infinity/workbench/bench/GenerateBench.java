package dev.infinity.workbench.bench;

import dev.infinity.workbench.cli.Args;

import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.infer.GenerationBenchmark;
import dev.infinity.workbench.infer.GenerationOptions;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.DynamicResolution;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.tokenizer.VaeConfig;

import java.util.Locale;
import java.util.StringJoiner;

/** {@code ./workbench bench generate}: seconds per image (transformer / decode), per-scale latency, KV cache on vs off, GFLOP/s. */
public final class GenerateBench implements Benchmark {
    @Override public String name() { return "generate"; }

    @Override
    public String summary() {
        return "image generation with random weights: s/image split transformer / VAE decode, per-scale latency, KV cache on vs off, "
                + "GFLOP/s vs fp32 matmul peak; --configs toy-bench,small-bench --tokenizer tiny --pn 0.06M --h-div-w 1.0 --batch 1 "
                + "--prompt-tokens 8 --cfg 3 --top-k 900 --top-p 0.97 --warmup 3 --runs 7 --no-cache-runs 1 --device auto; --width W overrides "
                + "the presets' width (same depth, heads and libtorch calls, other weight bytes: separates per-call cost from weight reading)";
    }

    @Override
    public void run(Args args) {
        String[] configs = args.get("configs", "toy-bench,small-bench").split(",");
        String tokenizer = args.get("tokenizer", "tiny");
        String pn = args.get("pn", "0.06M");
        double hDivW = args.getDouble("h-div-w", 1.0);
        int batch = args.getInt("batch", 1), tokens = args.getInt("prompt-tokens", 8);
        // a fresh JVM needs about three generations before its timings settle (JIT, allocator)
        int warmup = args.getInt("warmup", 3), runs = args.getInt("runs", 7), noCacheRuns = args.getInt("no-cache-runs", 1);
        double cfg = args.getDouble("cfg", 3), topP = args.getDouble("top-p", 0.97);
        int topK = args.getInt("top-k", 900);
        String device = args.get("device", "auto");
        int width = args.getInt("width", 0);
        args.rejectUnknown();
        if (runs < 1 || noCacheRuns < 0 || warmup < 0) throw new Args.UsageException("--runs must be >= 1, --no-cache-runs and --warmup >= 0");
        ScaleSchedule schedule = DynamicResolution.schedule(hDivW, pn);
        GenerationOptions options = GenerationOptions.builder().cfg(cfg).topK(topK).topP(topP).cfgInsertionLayer(0).build();
        try (NDManager m = NDManager.newBaseManager(Devices.resolve(device))) {
            double peak = GenerationBenchmark.matmulPeak(m, 1024, 5);
            System.out.printf(Locale.ROOT, "device %s, %d CPU threads; fp32 matmul peak (1024^3) %.1f GFLOP/s%n", m.getDevice(),
                    Runtime.getRuntime().availableProcessors(), peak);
            System.out.printf(Locale.ROOT, "schedule %s h/w %s: %d scales, %d tokens; B=%d, %d-token prompt, cfg %s on logits, top-k %d, top-p %s%n",
                    pn, hDivW, schedule.size(), schedule.tokens(), batch, tokens, cfg, topK, topP);
            for (String preset : configs) {
                InfinityConfig c = InfinityConfig.preset(preset.trim());
                if (width > 0) c = c.toBuilder().embedDim(width).build();
                String name = preset.trim() + (width > 0 ? "@" + width : "");
                try (NDManager sub = m.newSubManager();
                     BsqVae vae = new BsqVae(NDManager.newBaseManager(m.getDevice()), VaeConfig.preset(tokenizer).toBuilder().codebookDim(c.codebookDim()).build())) {
                    GenerationBenchmark.Result on = GenerationBenchmark.run(sub, name, c, vae, schedule, options, batch, tokens, warmup, runs);
                    print(on, "KV cache on ", peak, runs);
                    System.out.printf(Locale.ROOT, "  %-12s teacher-forced forward of all %d tokens at the same batch: %.3f s (median); KV-cached sampling = %.2fx the forward run after it (median of the runs' ratios; target < 1.3x)%n",
                            name, schedule.tokens(), on.teacherForcedSeconds(), on.samplingOverForward());
                    System.out.printf(Locale.ROOT, "  %-12s runs in order, sampling / forward s: %s%n", name, pairs(on.runSeconds(), on.runForwardSeconds()));
                    if (noCacheRuns > 0) {
                        print(GenerationBenchmark.run(sub, name, c, null, schedule, options.toBuilder().kvCache(false).build(),
                                batch, tokens, Math.min(warmup, 1), noCacheRuns), "KV cache off", peak, noCacheRuns);
                    }
                    System.out.printf(Locale.ROOT, "  %s decode (%s tokenizer, %s): %.3f s/image (process CPU %.2f s); total with cache %.3f s/image; "
                                    + "peak RSS of the process so far %s%n", name, tokenizer, vae.config(), on.decodeSeconds(), on.decodeCpuSeconds(),
                            on.transformerSeconds() + on.decodeSeconds(), Measure.mib(Measure.peakRssBytes()));
                }
            }
        }
    }

    private static String pairs(double[] sampling, double[] forward) {
        StringJoiner j = new StringJoiner(" ");
        for (int i = 0; i < sampling.length; i++) j.add(String.format(Locale.ROOT, "%.3f/%.3f", sampling[i], forward[i]));
        return j.toString();
    }

    private static void print(GenerationBenchmark.Result r, String mode, double peak, int runs) {
        StringJoiner scales = new StringJoiner(" ");
        for (double s : r.scaleSeconds()) scales.add(String.format(Locale.ROOT, "%.3f", s));
        System.out.printf(Locale.ROOT, "  %-12s %s (%.1fM params): transformer %.3f s/image (median of %d; process CPU %.2f s), "
                        + "%.1f GFLOP/image, %.1f GFLOP/s = %.0f%% of peak; per scale [%s] s%n",
                r.name(), mode, r.parameters() / 1e6, r.transformerSeconds(), runs, r.transformerCpuSeconds(), r.gflopsPerImage(),
                r.gflopsPerSecond(), 100 * r.gflopsPerSecond() / peak, scales);
    }
}
