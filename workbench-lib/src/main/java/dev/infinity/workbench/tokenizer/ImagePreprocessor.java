package dev.infinity.workbench.tokenizer;

import java.awt.image.BufferedImage;

/**
 * Image ↔ float CHW in [-1, 1], as official inference prepares images ({@code tools/run_infinity.py transform}):
 * resize keeping the aspect ratio so that the image covers the target (the side that is relatively shorter
 * becomes the target size, the other {@code int(...)}), with a Lanczos-3 filter (antialiased when shrinking,
 * like PIL's LANCZOS), centre crop to the target, then {@code x / 255 * 2 - 1}. Output images use the
 * official {@code (x + 1) / 2 * 255} with truncation to 8 bits.
 */
public final class ImagePreprocessor {
    private ImagePreprocessor() {}

    /** RGB planes (3, h, w) in [-1, 1], flattened channel-major, of {@code img} resized and centre-cropped to h x w. */
    public static float[] toTensor(BufferedImage img, int h, int w) {
        int srcW = img.getWidth(), srcH = img.getHeight();
        int rw, rh;
        if ((double) srcW / srcH <= (double) w / h) {
            rw = w;
            rh = (int) (w / ((double) srcW / srcH));
        } else {
            rh = h;
            rw = (int) (((double) srcW / srcH) * h);
        }
        float[][] planes = rgbPlanes(img);
        int cropY = (rh - h) / 2, cropX = (rw - w) / 2;
        float[] out = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            float[] resized = resize(planes[c], srcH, srcW, rh, rw);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // PIL rounds and clamps the filtered value to 8 bits before to_tensor
                    float v = Math.max(0, Math.min(255, Math.round(resized[(y + cropY) * rw + x + cropX])));
                    out[(c * h + y) * w + x] = v / 255f * 2f - 1f;
                }
            }
        }
        return out;
    }

    /** An RGB image from one (3, h, w) plane set in [-1, 1] (values outside are clamped). */
    public static BufferedImage toImage(float[] chw, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    float v = Math.max(-1f, Math.min(1f, chw[(c * h + y) * w + x]));
                    rgb = (rgb << 8) | (int) ((v + 1f) / 2f * 255f);
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    private static float[][] rgbPlanes(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[][] planes = new float[3][w * h];
        for (int i = 0; i < argb.length; i++) {
            planes[0][i] = (argb[i] >> 16) & 0xff;
            planes[1][i] = (argb[i] >> 8) & 0xff;
            planes[2][i] = argb[i] & 0xff;
        }
        return planes;
    }

    /** Separable Lanczos-3 resize of one plane (h, w) → (oh, ow). */
    static float[] resize(float[] plane, int h, int w, int oh, int ow) {
        float[] rows = new float[h * ow];
        Taps tx = taps(w, ow);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < tx.count[x]; k++) s += tx.weight[x][k] * plane[y * w + tx.first[x] + k];
                rows[y * ow + x] = (float) s;
            }
        }
        float[] out = new float[oh * ow];
        Taps ty = taps(h, oh);
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < ty.count[y]; k++) s += ty.weight[y][k] * rows[(ty.first[y] + k) * ow + x];
                out[y * ow + x] = (float) s;
            }
        }
        return out;
    }

    private record Taps(int[] first, int[] count, double[][] weight) {}

    /** Normalised Lanczos-3 weights per output index; the support widens by in/out when shrinking (antialias). */
    private static Taps taps(int in, int out) {
        double scale = (double) in / out;
        double filterScale = Math.max(1, scale);
        double support = 3 * filterScale;
        int[] first = new int[out], count = new int[out];
        double[][] weight = new double[out][];
        for (int i = 0; i < out; i++) {
            double center = (i + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support));
            int hi = Math.min(in, (int) Math.ceil(center + support));
            double[] wts = new double[hi - lo];
            double total = 0;
            for (int j = lo; j < hi; j++) {
                wts[j - lo] = lanczos3((j + 0.5 - center) / filterScale);
                total += wts[j - lo];
            }
            for (int k = 0; k < wts.length; k++) wts[k] /= total;
            first[i] = lo;
            count[i] = wts.length;
            weight[i] = wts;
        }
        return new Taps(first, count, weight);
    }

    private static double lanczos3(double x) {
        if (x == 0) return 1;
        if (Math.abs(x) >= 3) return 0;
        double px = Math.PI * x;
        return 3 * Math.sin(px) * Math.sin(px / 3) / (px * px);
    }
}
