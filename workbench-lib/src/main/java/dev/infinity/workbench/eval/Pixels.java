package dev.infinity.workbench.eval;

import java.awt.image.BufferedImage;

/**
 * An image as float planes on the [0, 255] scale: {@code planes[c][y * width + x]}, channels R, G, B.
 * The common input of the image metrics, built from a {@link BufferedImage} or from float tensors in any range.
 */
public record Pixels(int width, int height, float[][] planes) {
    public Pixels {
        for (float[] p : planes) {
            if (p.length != width * height) throw new IllegalArgumentException("plane of " + p.length + " values for a " + width + "x" + height + " image");
        }
    }

    public int channels() { return planes.length; }

    /** The RGB planes of an image (alpha ignored). */
    public static Pixels of(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[][] p = new float[3][w * h];
        for (int i = 0; i < argb.length; i++) {
            p[0][i] = (argb[i] >> 16) & 0xff;
            p[1][i] = (argb[i] >> 8) & 0xff;
            p[2][i] = argb[i] & 0xff;
        }
        return new Pixels(w, h, p);
    }

    /**
     * From a channel-first tensor (C, H, W) flattened row-major, whose values lie in [low, high]
     * (e.g. -1..1 for a decoder output, 0..1 for a normalised image); values are mapped linearly onto [0, 255].
     */
    public static Pixels fromChw(float[] chw, int channels, int height, int width, double low, double high) {
        int n = height * width;
        if (chw.length != channels * n) throw new IllegalArgumentException(chw.length + " values for shape (" + channels + ", " + height + ", " + width + ")");
        double scale = 255.0 / (high - low);
        float[][] p = new float[channels][n];
        for (int c = 0; c < channels; c++) for (int i = 0; i < n; i++) p[c][i] = (float) ((chw[c * n + i] - low) * scale);
        return new Pixels(width, height, p);
    }

    /** Rounded and clamped to 8-bit RGB (one channel is shown as grey). */
    public BufferedImage toBufferedImage() {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[width * height];
        for (int i = 0; i < rgb.length; i++) {
            int r = byteOf(planes[0][i]);
            int g = planes.length > 1 ? byteOf(planes[1][i]) : r;
            int b = planes.length > 2 ? byteOf(planes[2][i]) : r;
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        out.setRGB(0, 0, width, height, rgb, 0, width);
        return out;
    }

    private static int byteOf(float v) { return Math.max(0, Math.min(255, Math.round(v))); }

    /** ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114 B} (the Y of YCbCr), as a one-channel image. */
    public Pixels luminance() {
        if (planes.length == 1) return this;
        float[] y = new float[width * height];
        for (int i = 0; i < y.length; i++) y[i] = 0.299f * planes[0][i] + 0.587f * planes[1][i] + 0.114f * planes[2][i];
        return new Pixels(width, height, new float[][] {y});
    }
}
