package dev.infinity.workbench.data;

/**
 * Pillow's {@code Image.resize(..., resample=LANCZOS)} for 8-bit RGB, reproduced to the bit.
 *
 * <p>A separable convolution with the Lanczos-3 kernel sinc(x) sinc(x/3), widened by the scale factor when
 * shrinking (so downsampling is antialiased), each output pixel's weights normalised to sum 1 and then
 * rounded to 22-bit fixed point; horizontal pass first, rounded to 8 bits, then the vertical pass.
 */
public final class LanczosResampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 3.0;

    private LanczosResampler() {}

    /**
     * Resizes packed RGB pixels.
     *
     * @param rgb interleaved RGB, row-major, {@code inH * inW * 3} bytes
     * @return interleaved RGB, {@code outH * outW * 3} bytes
     */
    public static byte[] resize(byte[] rgb, int inH, int inW, int outH, int outW) {
        if (inH <= 0 || inW <= 0 || outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("cannot resize " + inW + "x" + inH + " to " + outW + "x" + outH);
        }
        if (rgb.length != inH * inW * 3) throw new IllegalArgumentException("expected " + inH * inW * 3 + " bytes, got " + rgb.length);
        if (inH == outH && inW == outW) return rgb.clone();
        Coefficients horiz = Coefficients.of(inW, outW);
        Coefficients vert = Coefficients.of(inH, outH);
        byte[] cur = rgb;
        int curH = inH;
        int firstRow = 0;
        if (inW != outW) {
            // Only the rows the vertical pass reads (as Pillow does; it changes nothing but the work).
            firstRow = vert.min[0];
            int lastRow = vert.min[outH - 1] + vert.count[outH - 1];
            cur = horizontal(rgb, inW, firstRow, lastRow, outW, horiz);
            curH = lastRow - firstRow;
        }
        if (inH != outH) cur = vertical(cur, outW, curH, firstRow, outH, vert);
        return cur;
    }

    private static byte[] horizontal(byte[] in, int inW, int row0, int row1, int outW, Coefficients c) {
        byte[] out = new byte[(row1 - row0) * outW * 3];
        for (int y = row0; y < row1; y++) {
            int inRow = y * inW * 3, outRow = (y - row0) * outW * 3;
            for (int x = 0; x < outW; x++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                int base = inRow + c.min[x] * 3, k = x * c.ksize;
                for (int i = 0; i < c.count[x]; i++) {
                    int w = c.fixed[k + i], p = base + i * 3;
                    s0 += (in[p] & 0xff) * w;
                    s1 += (in[p + 1] & 0xff) * w;
                    s2 += (in[p + 2] & 0xff) * w;
                }
                int o = outRow + x * 3;
                out[o] = clip8(s0);
                out[o + 1] = clip8(s1);
                out[o + 2] = clip8(s2);
            }
        }
        return out;
    }

    /** {@code in} holds rows starting at source row {@code row0}. */
    private static byte[] vertical(byte[] in, int w, int inH, int row0, int outH, Coefficients c) {
        byte[] out = new byte[outH * w * 3];
        for (int y = 0; y < outH; y++) {
            int k = y * c.ksize, first = c.min[y] - row0;
            if (first < 0 || first + c.count[y] > inH) throw new IllegalStateException("row window outside the input");
            for (int x = 0; x < w; x++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                for (int i = 0; i < c.count[y]; i++) {
                    int wt = c.fixed[k + i], p = ((first + i) * w + x) * 3;
                    s0 += (in[p] & 0xff) * wt;
                    s1 += (in[p + 1] & 0xff) * wt;
                    s2 += (in[p + 2] & 0xff) * wt;
                }
                int o = (y * w + x) * 3;
                out[o] = clip8(s0);
                out[o + 1] = clip8(s1);
                out[o + 2] = clip8(s2);
            }
        }
        return out;
    }

    private static byte clip8(int v) {
        int s = v >> PRECISION_BITS;
        return (byte) (s < 0 ? 0 : Math.min(s, 255));
    }

    static double lanczos(double x) {
        if (x < -SUPPORT || x >= SUPPORT) return 0;
        return sinc(x) * sinc(x / SUPPORT);
    }

    private static double sinc(double x) {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.sin(x) / x;
    }

    /** Per output pixel: first input index, number of taps, and fixed-point weights ({@code ksize} slots each). */
    private record Coefficients(int ksize, int[] min, int[] count, int[] fixed) {
        static Coefficients of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = SUPPORT * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] min = new int[outSize], count = new int[outSize], fixed = new int[outSize * ksize];
            double[] w = new double[ksize];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double sum = 0;
                for (int x = 0; x < xmax; x++) {
                    w[x] = lanczos((x + xmin - center + 0.5) * ss);
                    sum += w[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double v = sum != 0.0 ? w[x] / sum : w[x];
                    fixed[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
                }
                min[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(ksize, min, count, fixed);
        }
    }
}
