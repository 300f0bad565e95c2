package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.tokenizer.DynamicResolution;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

/**
 * 2-D rotary position embedding of the self-attention (official {@code precompute_rope2d_freqs_grid} and
 * {@code apply_rotary_emb}). Adjacent pairs (2i, 2i+1) of a head are rotated; the first hd/4 pairs by row
 * angles, the last hd/4 by column angles, frequencies {@code 1 / 10000^(2k / (hd/2))}, on a 128 x 128 grid.
 *
 * <p>Where a scale (h, w) sits on the grid depends on {@code mode} ({@code rope2d_normalized_by_hw}):
 * 0: rows/columns 0..h-1 / 0..w-1; 1: the grid cropped to the aspect of the reference scale (H1, W1) and
 * resized bilinearly (align_corners) to (h, w); 2: row {@code round(i * H1 / h)}, column {@code round(j * W1 / w)}.
 * (H1, W1) is the last scale of the aspect-ratio template's 1M schedule.
 */
public final class Rope2d {
    /** Side of the precomputed position grid (2048 pixels / 16). */
    public static final int GRID = 128;

    private Rope2d() {}

    /**
     * The reference scale (H1, W1) of a schedule, as the official cache is keyed: the last table entry (over
     * templates and pixel budgets, in order) whose scales equal the schedule gives the template, whose 1M
     * schedule ends at (H1, W1). A schedule outside the tables (the official code has no cache for it) uses the
     * template nearest to the aspect of its last scale.
     */
    public static ScaleSchedule.Scale reference(ScaleSchedule schedule) {
        Double template = null;
        for (DynamicResolution.Entry e : DynamicResolution.entries()) if (e.scales().equals(schedule)) template = e.hDivW();
        if (template == null) template = DynamicResolution.nearestTemplate((double) schedule.last().h() / schedule.last().w());
        return DynamicResolution.entry(template, "1M").scales().last();
    }

    /** cos and sin tables, each (L, hd/2) row-major, for the scales of a schedule in order. */
    public record Table(float[] cos, float[] sin, int length, int halfDim) {
        /**
         * Rows {@code from .. from+count} as the two (count, hd) factors of {@link #apply}: cos repeated for both
         * members of a pair {@code [c0, c0, c1, c1, ...]} and sin signed for them {@code [-s0, s0, -s1, s1, ...]}.
         */
        public NDArray[] slice(NDManager manager, int from, int count) {
            float[] c = new float[count * 2 * halfDim], s = new float[count * 2 * halfDim];
            for (int i = 0; i < count * halfDim; i++) {
                float cv = cos[from * halfDim + i], sv = sin[from * halfDim + i];
                c[2 * i] = cv;
                c[2 * i + 1] = cv;
                s[2 * i] = -sv;
                s[2 * i + 1] = sv;
            }
            Shape shape = new Shape(count, 2L * halfDim);
            return new NDArray[] {manager.create(c, shape), manager.create(s, shape)};
        }
    }

    /** Angles (GRID, GRID, hd/2) of the full grid: [row freqs | column freqs], float32 like the official code. */
    static float[] angles(int headDim) {
        int half = headDim / 2, quarter = half / 2;
        float[] inv = new float[quarter];
        for (int k = 0; k < quarter; k++) inv[k] = 1f / (float) Math.pow(10000.0, (float) (2 * k) / (float) half);
        float[] a = new float[GRID * GRID * half];
        for (int r = 0; r < GRID; r++) {
            for (int c = 0; c < GRID; c++) {
                int base = (r * GRID + c) * half;
                for (int k = 0; k < quarter; k++) {
                    a[base + k] = (float) r * inv[k];
                    a[base + quarter + k] = (float) c * inv[k];
                }
            }
        }
        return a;
    }

    /** The table for a schedule; {@code ref} = (H1, W1) is used by modes 1 and 2. */
    public static Table table(int headDim, int mode, ScaleSchedule schedule, ScaleSchedule.Scale ref) {
        int half = headDim / 2, refH = ref.h(), refW = ref.w();
        float[] ang = angles(headDim);
        int total = schedule.tokens();
        float[] cos = new float[total * half], sin = new float[total * half];
        int row = 0;
        for (ScaleSchedule.Scale s : schedule) {
            int h = s.h(), w = s.w();
            if (mode == 1) {
                bilinearScale(ang, half, h, w, refH, refW, cos, sin, row);
            } else {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        int gr, gc;
                        if (mode == 2) {
                            gr = (int) Math.rint((float) i * (float) (refH / (double) h));
                            gc = (int) Math.rint((float) j * (float) (refW / (double) w));
                        } else {
                            gr = i;
                            gc = j;
                        }
                        if (gr >= GRID || gc >= GRID) {
                            throw new IllegalArgumentException("scale " + h + "x" + w + " needs RoPE grid position (" + gr + ", " + gc + "), beyond the " + GRID + "x" + GRID + " grid");
                        }
                        int src = (gr * GRID + gc) * half, dst = (row + i * w + j) * half;
                        for (int k = 0; k < half; k++) {
                            cos[dst + k] = (float) Math.cos(ang[src + k]);
                            sin[dst + k] = (float) Math.sin(ang[src + k]);
                        }
                    }
                }
            }
            row += h * w;
        }
        return new Table(cos, sin, total, half);
    }

    /** Mode 1: cos/sin of the cropped grid resized bilinearly with align_corners=True (values interpolated, not angles). */
    private static void bilinearScale(float[] ang, int half, int h, int w, int refH, int refW, float[] cos, float[] sin, int row) {
        int uph, upw;
        if (refH >= refW) {
            uph = GRID;
            upw = (int) ((double) GRID / refH * refW);
        } else {
            uph = (int) ((double) GRID / refW * refH);
            upw = GRID;
        }
        float sh = h > 1 ? (float) (uph - 1) / (h - 1) : 0f, sw = w > 1 ? (float) (upw - 1) / (w - 1) : 0f;
        for (int i = 0; i < h; i++) {
            float y = sh * i;
            int y0 = (int) y, y1 = Math.min(y0 + 1, uph - 1);
            float ly = y - y0;
            for (int j = 0; j < w; j++) {
                float x = sw * j;
                int x0 = (int) x, x1 = Math.min(x0 + 1, upw - 1);
                float lx = x - x0;
                int dst = (row + i * w + j) * half;
                for (int k = 0; k < half; k++) {
                    float a00 = ang[(y0 * GRID + x0) * half + k], a01 = ang[(y0 * GRID + x1) * half + k];
                    float a10 = ang[(y1 * GRID + x0) * half + k], a11 = ang[(y1 * GRID + x1) * half + k];
                    cos[dst + k] = lerp2((float) Math.cos(a00), (float) Math.cos(a01), (float) Math.cos(a10), (float) Math.cos(a11), ly, lx);
                    sin[dst + k] = lerp2((float) Math.sin(a00), (float) Math.sin(a01), (float) Math.sin(a10), (float) Math.sin(a11), ly, lx);
                }
            }
        }
    }

    private static float lerp2(float v00, float v01, float v10, float v11, float ly, float lx) {
        return (1 - ly) * ((1 - lx) * v00 + lx * v01) + ly * ((1 - lx) * v10 + lx * v11);
    }

    /**
     * Rotates adjacent pairs (a, b) of x (..., l, hd) to (a cos - b sin, a sin + b cos), as
     * {@code x * cos + swap(x) * signedSin} with the (l, hd) factors of {@link Table#slice}, where swap exchanges
     * the members of each pair; the same products and sums as the pairwise form, so the same float32 result.
     */
    static NDArray apply(NDArray x, NDArray cos, NDArray signedSin) {
        Shape s = x.getShape();
        int rank = s.dimension();
        NDArray swapped = x.reshape(s.slice(0, rank - 1).add(s.get(rank - 1) / 2, 2)).flip(rank).reshape(s);
        return Functional.addOwned(x.mul(cos), Functional.mulOwned(swapped, signedSin));
    }
}
