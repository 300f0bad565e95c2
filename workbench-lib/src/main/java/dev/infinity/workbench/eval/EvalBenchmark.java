package dev.infinity.workbench.eval;

import ai.djl.ndarray.NDManager;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Throughput of the evaluation metrics: PSNR and SSIM on image pairs, Inception features (random weights). */
public final class EvalBenchmark {
    /** Images per second (median over the timed iterations). */
    public record Result(int size, int pairs, double psnrPerSecond, double ssimPerSecond, int inceptionBatch, double inceptionPerSecond, long inceptionParameters) {}

    private EvalBenchmark() {}

    public static Result run(NDManager manager, int size, int pairs, int inceptionBatch, int inceptionWidthDivisor, int warmup, int iters) {
        Random rng = new Random(0);
        List<Pixels> a = new ArrayList<>(), b = new ArrayList<>();
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < Math.max(pairs, inceptionBatch); i++) {
            float[][] pa = new float[3][size * size], pb = new float[3][size * size];
            for (int c = 0; c < 3; c++) for (int p = 0; p < size * size; p++) {
                pa[c][p] = rng.nextInt(256);
                pb[c][p] = Math.max(0, Math.min(255, pa[c][p] + (float) (8 * rng.nextGaussian())));
            }
            a.add(new Pixels(size, size, pa));
            b.add(new Pixels(size, size, pb));
            images.add(a.get(i).toBufferedImage());
        }
        List<Pixels> ra = a.subList(0, pairs), rb = b.subList(0, pairs);
        ImageMetrics metrics = new ImageMetrics();
        double psnr = pairs / median(time(warmup, iters, () -> { for (int i = 0; i < pairs; i++) ImageMetrics.psnr(ra.get(i), rb.get(i)); }));
        double ssim = pairs / median(time(warmup, iters, () -> { for (int i = 0; i < pairs; i++) metrics.ssim(ra.get(i), rb.get(i)); }));
        InceptionV3Fid net = InceptionV3Fid.random(manager, inceptionWidthDivisor);
        List<BufferedImage> batch = images.subList(0, inceptionBatch);
        double inception = inceptionBatch / median(time(warmup, iters, () -> net.features(batch, inceptionBatch)));
        return new Result(size, pairs, psnr, ssim, inceptionBatch, inception, net.parameterCount());
    }

    private static double[] time(int warmup, int iters, Runnable body) {
        for (int i = 0; i < warmup; i++) body.run();
        double[] s = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            body.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        return s;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
