package dev.infinity.workbench.data;

import java.awt.image.BufferedImage;

/**
 * The official training preprocessing of one image for a target of {@code h} x {@code w} pixels: scale
 * (Pillow Lanczos, {@link LanczosResampler}) so the image covers the target with its aspect kept (the
 * side that is relatively shorter becomes exactly the target's), cut out the centre, and map 0..255 to
 * [-1, 1] as {@code x / 255 * 2 - 1} in float32.
 */
public final class ImagePreprocess {
    private ImagePreprocess() {}

    /** The resized, centre-cropped image, {@code h} x {@code w}. */
    public static BufferedImage resizeCrop(BufferedImage img, int h, int w) {
        return ImageLoader.fromRgb(resizeCropRgb(ImageLoader.rgb(img), img.getHeight(), img.getWidth(), h, w), h, w);
    }

    /** (3, h, w) float32 in [-1, 1], channel-first, ready for the VAE. */
    public static float[] toTensor(BufferedImage img, int h, int w) {
        return toPm1(resizeCropRgb(ImageLoader.rgb(img), img.getHeight(), img.getWidth(), h, w), h, w);
    }

    /** Resize to cover (h, w), then centre-crop; interleaved RGB in and out. */
    static byte[] resizeCropRgb(byte[] rgb, int inH, int inW, int h, int w) {
        if (h <= 0 || w <= 0) throw new IllegalArgumentException("target size must be positive: " + h + "x" + w);
        int rh, rw;
        double aspect = (double) inW / inH;
        if (aspect <= (double) w / h) {
            rw = w;
            rh = (int) (w / aspect);
        } else {
            rh = h;
            rw = (int) (aspect * h);
        }
        // The official code truncates and could end one pixel short of the target; never go below it.
        rh = Math.max(rh, h);
        rw = Math.max(rw, w);
        byte[] resized = LanczosResampler.resize(rgb, inH, inW, rh, rw);
        int y0 = (rh - h) / 2, x0 = (rw - w) / 2;
        byte[] out = new byte[h * w * 3];
        for (int y = 0; y < h; y++) System.arraycopy(resized, ((y0 + y) * rw + x0) * 3, out, y * w * 3, w * 3);
        return out;
    }

    /** Interleaved RGB bytes to channel-first floats in [-1, 1] (to_tensor, then x + x - 1). */
    static float[] toPm1(byte[] rgb, int h, int w) {
        float[] out = new float[3 * h * w];
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float t = (rgb[i * 3 + c] & 0xff) / 255f;
                out[c * plane + i] = t + t - 1f;
            }
        }
        return out;
    }
}
