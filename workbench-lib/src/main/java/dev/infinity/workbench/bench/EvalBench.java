package dev.infinity.workbench.bench;

import dev.infinity.workbench.cli.Args;

import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.eval.EvalBenchmark;

import java.util.Locale;

/** {@code ./workbench bench eval}: PSNR / SSIM images/s and Inception-v3 feature images/s. */
public final class EvalBench implements Benchmark {
    @Override public String name() { return "eval"; }

    @Override
    public String summary() {
        return "PSNR and SSIM images/s on random image pairs, FID Inception-v3 features images/s (random weights);"
                + " --size 256 --pairs 16 --inception-batch 4 --inception-width 1 (channel divisor) --warmup 1 --iters 3 --device cpu";
    }

    @Override
    public void run(Args args) {
        int size = args.getInt("size", 256), pairs = args.getInt("pairs", 16), batch = args.getInt("inception-batch", 4);
        int width = args.getInt("inception-width", 1), warmup = args.getInt("warmup", 1), iters = args.getInt("iters", 3);
        String device = args.get("device", "cpu");
        args.rejectUnknown();
        try (NDManager m = NDManager.newBaseManager(Devices.resolve(device))) {
            EvalBenchmark.Result r = EvalBenchmark.run(m, size, pairs, batch, width, warmup, iters);
            System.out.printf(Locale.ROOT, "%dx%d RGB, %d pairs, %d threads: PSNR %.1f images/s, SSIM (11x11 Gaussian, per channel) %.1f images/s%n",
                    size, size, pairs, Runtime.getRuntime().availableProcessors(), r.psnrPerSecond(), r.ssimPerSecond());
            System.out.printf(Locale.ROOT, "Inception-v3 FID features (%,d parameters, random weights) on %s, batch %d resized to 299x299: %.2f images/s%n",
                    r.inceptionParameters(), m.getDevice(), batch, r.inceptionPerSecond());
        }
    }
}
