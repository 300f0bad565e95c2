package dev.infinity.workbench.eval;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageMetricsTest {
    static Pixels constant(int w, int h, float... rgb) {
        float[][] p = new float[rgb.length][w * h];
        for (int c = 0; c < rgb.length; c++) java.util.Arrays.fill(p[c], rgb[c]);
        return new Pixels(w, h, p);
    }

    static Pixels random(int w, int h, long seed) {
        Random r = new Random(seed);
        float[][] p = new float[3][w * h];
        for (float[] plane : p) for (int i = 0; i < plane.length; i++) plane[i] = r.nextInt(256);
        return new Pixels(w, h, p);
    }

    static Pixels noisy(Pixels src, double std, long seed) {
        Random r = new Random(seed);
        float[][] p = new float[src.channels()][];
        for (int c = 0; c < p.length; c++) {
            p[c] = src.planes()[c].clone();
            for (int i = 0; i < p[c].length; i++) p[c][i] += (float) (std * r.nextGaussian());
        }
        return new Pixels(src.width(), src.height(), p);
    }

    @Test
    void psnrOfAKnownErrorAndOfIdenticalImages() {
        Pixels a = constant(16, 16, 0, 0, 0), b = constant(16, 16, 10, 10, 10);
        assertEquals(10 * Math.log10(255.0 * 255.0 / 100.0), ImageMetrics.psnr(a, b), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnr(a, a));
        assertEquals(ImageMetrics.PSNR_CAP_DB, ImageMetrics.psnrCapped(a, a));
    }

    @Test
    void ssimOfConstantImagesHasClosedForm() {
        // Constant planes: no variance, so SSIM = (2ab + C1) / (a^2 + b^2 + C1) with C1 = (0.01 * 255)^2.
        double c1 = Math.pow(0.01 * 255, 2);
        double want = (2 * 100 * 120 + c1) / (100 * 100 + 120 * 120 + c1);
        assertEquals(want, new ImageMetrics().ssim(constant(20, 20, 100), constant(20, 20, 120)), 1e-12);
        Pixels img = random(32, 24, 1);
        assertEquals(1.0, new ImageMetrics().ssim(img, img), 1e-12);
    }

    @Test
    void separableFilterMatchesABruteForceWindowSum() {
        Pixels a = random(23, 17, 2), b = noisy(a, 20, 3);
        double c1 = Math.pow(0.01 * 255, 2), c2 = Math.pow(0.03 * 255, 2);
        double[][] g = new double[11][11];
        double norm = 0;
        for (int i = 0; i < 11; i++) for (int j = 0; j < 11; j++) norm += g[i][j] = Math.exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
        double total = 0;
        for (int c = 0; c < 3; c++) {
            float[] x = a.planes()[c], y = b.planes()[c];
            double sum = 0;
            int count = 0;
            for (int oy = 0; oy + 11 <= 17; oy++) for (int ox = 0; ox + 11 <= 23; ox++) {
                double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                for (int i = 0; i < 11; i++) for (int j = 0; j < 11; j++) {
                    double wgt = g[i][j] / norm, u = x[(oy + i) * 23 + ox + j], v = y[(oy + i) * 23 + ox + j];
                    mx += wgt * u; my += wgt * v; xx += wgt * u * u; yy += wgt * v * v; xy += wgt * u * v;
                }
                sum += (2 * mx * my + c1) * (2 * (xy - mx * my) + c2) / ((mx * mx + my * my + c1) * (xx - mx * mx + yy - my * my + c2));
                count++;
            }
            total += sum / count;
        }
        assertEquals(total / 3, new ImageMetrics().ssim(a, b), 1e-9);
    }

    @Test
    void moreNoiseLowersBothMetricsAndModesAgreeOnGrey() {
        Pixels clean = random(64, 64, 4);
        ImageMetrics m = new ImageMetrics();
        ImageMetrics.SetResult r = m.compare(List.of(clean, clean), List.of(noisy(clean, 5, 5), noisy(clean, 30, 6)));
        assertTrue(r.psnr()[0] > r.psnr()[1] && r.ssim()[0] > r.ssim()[1]);
        assertEquals((r.ssim()[0] + r.ssim()[1]) / 2, r.meanSsim(), 1e-15);
        ImageMetrics.SetResult same = m.compare(List.of(clean, clean), List.of(clean, noisy(clean, 5, 5)));
        assertEquals(Double.POSITIVE_INFINITY, same.meanPsnr());
        assertEquals((100 + r.psnr()[0]) / 2, same.meanPsnrCapped(), 1e-9);

        float[] grey = random(32, 32, 7).planes()[0];
        Pixels g1 = new Pixels(32, 32, new float[][] {grey, grey, grey});
        Pixels g2 = noisy(new Pixels(32, 32, new float[][] {grey}), 10, 8);
        Pixels g2rgb = new Pixels(32, 32, new float[][] {g2.planes()[0], g2.planes()[0], g2.planes()[0]});
        assertEquals(m.ssim(g1, g2rgb), new ImageMetrics(ImageMetrics.SsimMode.LUMINANCE).ssim(g1, g2rgb), 1e-5);
    }

    @Test
    void bufferedImagesAndSizeErrors() {
        Pixels p = random(16, 12, 9);
        BufferedImage im = p.toBufferedImage();
        assertEquals(Double.POSITIVE_INFINITY, ImageMetrics.psnr(p, Pixels.of(im)));
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.psnr(p, random(12, 16, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImageMetrics().ssim(random(8, 8, 1), random(8, 8, 2)));
        assertTrue(e.getMessage().contains("11x11"));
    }
}
