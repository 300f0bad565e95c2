package dev.infinity.workbench.eval;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reconstruction metrics on the [0, 255] scale: PSNR and SSIM, per image and as means over an image set.
 *
 * <p><b>PSNR</b> = {@code 10 log10(255^2 / MSE)} with the MSE over every pixel and channel. Identical images give
 * {@code +Infinity} (MSE 0), which is mathematically right but poisons means and tables, so {@link #psnrCapped}
 * clamps at {@link #PSNR_CAP_DB} = 100 dB (an MSE of 6.5e-6, far below 8-bit quantisation); the set means report
 * both.
 *
 * <p><b>SSIM</b> follows Wang et al. 2004: 11x11 Gaussian window with sigma 1.5 (normalised to sum 1), K1 = 0.01,
 * K2 = 0.03, L = 255, evaluated only where the window fits inside the image ("valid", as in the reference MATLAB
 * code; images must be at least 11x11) and averaged over the map. {@link SsimMode#PER_CHANNEL} (the default, like
 * scikit-image with {@code channel_axis} and torchmetrics) averages the SSIM of R, G and B;
 * {@link SsimMode#LUMINANCE} computes one SSIM on BT.601 luma (as many super-resolution papers do); the two differ,
 * so tables must say which one they used.
 */
public final class ImageMetrics {
    public static final double PSNR_CAP_DB = 100.0;
    static final int WINDOW = 11;
    static final double SIGMA = 1.5, K1 = 0.01, K2 = 0.03, L = 255.0;

    public enum SsimMode { PER_CHANNEL, LUMINANCE }

    /** Per-image values and their means over a set. */
    public record SetResult(double[] psnr, double[] ssim) {
        /** Mean PSNR; {@code +Infinity} when any pair is identical. */
        public double meanPsnr() { return Arrays.stream(psnr).average().orElse(Double.NaN); }
        /** Mean of the per-image PSNR capped at {@link #PSNR_CAP_DB}: the number for tables. */
        public double meanPsnrCapped() { return Arrays.stream(psnr).map(p -> Math.min(p, PSNR_CAP_DB)).average().orElse(Double.NaN); }
        public double meanSsim() { return Arrays.stream(ssim).average().orElse(Double.NaN); }
    }

    private static final double[] KERNEL = gaussianKernel();
    private final SsimMode mode;

    public ImageMetrics() { this(SsimMode.PER_CHANNEL); }
    public ImageMetrics(SsimMode mode) { this.mode = mode; }

    public SsimMode mode() { return mode; }

    public static double psnr(Pixels a, Pixels b) {
        checkSameSize(a, b);
        double se = 0;
        long n = 0;
        for (int c = 0; c < a.channels(); c++) {
            float[] x = a.planes()[c], y = b.planes()[c];
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - y[i];
                se += d * d;
            }
            n += x.length;
        }
        double mse = se / n;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(L * L / mse);
    }

    /** PSNR clamped to {@link #PSNR_CAP_DB}: finite for identical images. */
    public static double psnrCapped(Pixels a, Pixels b) { return Math.min(psnr(a, b), PSNR_CAP_DB); }

    public double ssim(Pixels a, Pixels b) {
        checkSameSize(a, b);
        if (a.width() < WINDOW || a.height() < WINDOW) {
            throw new IllegalArgumentException("SSIM needs images of at least " + WINDOW + "x" + WINDOW + ", got " + a.width() + "x" + a.height());
        }
        if (mode == SsimMode.LUMINANCE) return ssimPlane(a.luminance().planes()[0], b.luminance().planes()[0], a.width(), a.height());
        double sum = 0;
        for (int c = 0; c < a.channels(); c++) sum += ssimPlane(a.planes()[c], b.planes()[c], a.width(), a.height());
        return sum / a.channels();
    }

    public double psnr(BufferedImage a, BufferedImage b) { return psnr(Pixels.of(a), Pixels.of(b)); }
    public double ssim(BufferedImage a, BufferedImage b) { return ssim(Pixels.of(a), Pixels.of(b)); }

    /** PSNR and SSIM of each (reference, reconstruction) pair. */
    public SetResult compare(List<Pixels> references, List<Pixels> reconstructions) {
        if (references.size() != reconstructions.size()) {
            throw new IllegalArgumentException(references.size() + " reference images but " + reconstructions.size() + " reconstructions");
        }
        int n = references.size();
        double[] p = new double[n], s = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = psnr(references.get(i), reconstructions.get(i));
            s[i] = ssim(references.get(i), reconstructions.get(i));
        }
        return new SetResult(p, s);
    }

    public SetResult compareImages(List<BufferedImage> references, List<BufferedImage> reconstructions) {
        return compare(toPixels(references), toPixels(reconstructions));
    }

    static List<Pixels> toPixels(List<BufferedImage> images) {
        List<Pixels> out = new ArrayList<>(images.size());
        for (BufferedImage im : images) out.add(Pixels.of(im));
        return out;
    }

    /** Mean SSIM of one plane pair over all valid window positions. */
    private static double ssimPlane(float[] x, float[] y, int w, int h) {
        int n = w * h;
        double[] xd = new double[n], yd = new double[n], xx = new double[n], yy = new double[n], xy = new double[n];
        for (int i = 0; i < n; i++) {
            xd[i] = x[i];
            yd[i] = y[i];
            xx[i] = xd[i] * xd[i];
            yy[i] = yd[i] * yd[i];
            xy[i] = xd[i] * yd[i];
        }
        int ow = w - WINDOW + 1, oh = h - WINDOW + 1;
        double[] mx = filterValid(xd, w, h), my = filterValid(yd, w, h);
        double[] exx = filterValid(xx, w, h), eyy = filterValid(yy, w, h), exy = filterValid(xy, w, h);
        double c1 = (K1 * L) * (K1 * L), c2 = (K2 * L) * (K2 * L);
        double sum = 0;
        for (int i = 0; i < ow * oh; i++) {
            double ux = mx[i], uy = my[i];
            double vx = exx[i] - ux * ux, vy = eyy[i] - uy * uy, cov = exy[i] - ux * uy;
            sum += ((2 * ux * uy + c1) * (2 * cov + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        }
        return sum / (ow * oh);
    }

    /** Separable Gaussian filter, valid region only: (h, w) → (h - 10, w - 10), accumulated in double. */
    private static double[] filterValid(double[] img, int w, int h) {
        int ow = w - WINDOW + 1, oh = h - WINDOW + 1;
        double[] rows = new double[h * ow];
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) s += KERNEL[k] * img[base + x + k];
                rows[y * ow + x] = s;
            }
        }
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) s += KERNEL[k] * rows[(y + k) * ow + x];
                out[y * ow + x] = s;
            }
        }
        return out;
    }

    private static double[] gaussianKernel() {
        double[] g = new double[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - (WINDOW - 1) / 2.0;
            g[i] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < WINDOW; i++) g[i] /= sum;
        return g;
    }

    private static void checkSameSize(Pixels a, Pixels b) {
        if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels()) {
            throw new IllegalArgumentException("images differ in size: " + a.width() + "x" + a.height() + "x" + a.channels()
                    + " vs " + b.width() + "x" + b.height() + "x" + b.channels());
        }
    }
}
