package dev.infinity.workbench.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.io.HostTensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * What one {@link InfinityGenerator#generate} call produced. Owns its arrays: close it when done.
 *
 * @param bits          per scale (B, 1, h, w, d) int64 in tokenizer cells, the official {@code idx_Bld_list}
 *                      (2h x 2w with spatial patchify)
 * @param logits        per scale (B, l, 2d) guided logits / tau before masking, if requested (else empty)
 * @param inputs        per scale after the first, the transformer input (B, l, d) built from the bits before
 * @param summedCodes   decoder input (B, d, H, W)
 * @param image         decoded image (B, 3, H*16, W*16) in [-1, 1] (RGB), or null when not decoded
 * @param scaleSeconds  transformer + sampling time per scale
 * @param decodeSeconds tokenizer decode time
 */
public record Generation(NDManager manager, List<NDArray> bits, List<HostTensor> logits, List<NDArray> inputs, NDArray summedCodes,
                         NDArray image, double[] scaleSeconds, double decodeSeconds) implements AutoCloseable {

    /** Seconds in the transformer (all scales, sampling and next-input building included). */
    public double transformerSeconds() {
        double s = 0;
        for (double d : scaleSeconds) s += d;
        return s;
    }

    /**
     * The image as the official function returns it: {@code (x + 1) / 2 * 255} truncated to uint8, (B, H, W, 3),
     * channel order reversed (BGR, for cv2).
     */
    public HostTensor imageUint8Bgr() {
        if (image == null) throw new IllegalStateException("the generation was not decoded (decode=false)");
        long[] s = image.getShape().getShape();
        int b = (int) s[0], h = (int) s[2], w = (int) s[3];
        float[] v = image.toFloatArray();
        ByteBuffer out = ByteBuffer.allocateDirect(b * h * w * 3);
        for (int n = 0; n < b; n++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++) {
                        float f = (v[((n * 3 + (2 - c)) * h + y) * w + x] + 1f) / 2f * 255f;
                        out.put((byte) (int) f);   // truncation, like .to(torch.uint8) on values in [0, 255]
                    }
        out.flip();
        return new HostTensor(dev.infinity.workbench.io.DType.UINT8, new long[] {b, h, w, 3}, out);
    }

    /** Writes image {@code index} of the batch as PNG (atomically). */
    public void savePng(Path file, int index) {
        HostTensor bgr = imageUint8Bgr();
        long[] s = bgr.shape();
        int h = (int) s[1], w = (int) s[2];
        if (index < 0 || index >= s[0]) throw new IllegalArgumentException("image index " + index + " outside batch of " + s[0]);
        ByteBuffer d = bgr.data();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int base = index * h * w * 3;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int p = base + (y * w + x) * 3;
                int bl = d.get(p) & 0xff, g = d.get(p + 1) & 0xff, r = d.get(p + 2) & 0xff;
                img.setRGB(x, y, (r << 16) | (g << 8) | bl);
            }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", png);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot encode PNG for " + file, e);
        }
        AtomicFiles.write(file, ch -> ch.write(ByteBuffer.wrap(png.toByteArray())));
    }

    @Override
    public void close() {
        manager.close();
    }
}
