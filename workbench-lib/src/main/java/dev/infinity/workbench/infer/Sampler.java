package dev.infinity.workbench.infer;

import java.util.SplittableRandom;

/**
 * Top-k / top-p sampling over rows of logits, with the official masking rules
 * ({@code sample_with_top_k_top_p_also_inplace_modifying_logits_}):
 * <ul>
 *   <li>top-k (k > 0): with k' = min(k, V), entries strictly below the k'-th largest become -inf (ties at the
 *       threshold are all kept);</li>
 *   <li>top-p (p > 0), after top-k: sort ascending, softmax of the sorted (masked) logits, cumulative sum; entries
 *       whose cumulative sum is {@code <= 1 - p} become -inf, never the largest.</li>
 * </ul>
 * Then one index per row is drawn from the softmax of the masked logits, by inverse CDF or Gumbel-max, from a
 * seeded generator (DJL has no multinomial). Runs on the host: the bitwise head has V = 2 per bit.
 */
public final class Sampler {
    /** How a masked row becomes an index. */
    public enum Method { INVERSE_CDF, GUMBEL_MAX }

    private final int topK;
    private final double topP;
    private final Method method;
    private final SplittableRandom rng;

    /** {@code topK <= 0} and {@code topP <= 0} disable the respective filter. */
    public Sampler(int topK, double topP, long seed, Method method) {
        if (topP > 1) throw new IllegalArgumentException("top-p must be <= 1, got " + topP);
        this.topK = topK;
        this.topP = topP;
        this.method = method;
        this.rng = new SplittableRandom(seed);
    }

    public Sampler(int topK, double topP, long seed) { this(topK, topP, seed, Method.INVERSE_CDF); }

    /** Masks {@code logits} (rows x v, row-major) in place with top-k then top-p. */
    public static void mask(float[] logits, int v, int topK, double topP) {
        if (logits.length % v != 0) throw new IllegalArgumentException(logits.length + " logits are not rows of " + v);
        int rows = logits.length / v;
        float cut = (float) (1 - topP);
        float[] row = new float[v];
        Integer[] order = new Integer[v];
        for (int r = 0; r < rows; r++) {
            int off = r * v;
            if (topK > 0 && topK < v) {
                System.arraycopy(logits, off, row, 0, v);
                java.util.Arrays.sort(row);
                float kth = row[v - topK];
                for (int i = 0; i < v; i++) if (logits[off + i] < kth) logits[off + i] = Float.NEGATIVE_INFINITY;
            }
            if (topP > 0) {
                for (int i = 0; i < v; i++) order[i] = i;
                final int o = off;
                java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[o + a], logits[o + b]));   // ascending, stable
                float max = logits[off + order[v - 1]];
                float sum = 0;
                float[] e = new float[v];
                for (int i = 0; i < v; i++) {
                    e[i] = (float) Math.exp(logits[off + order[i]] - max);
                    sum += e[i];
                }
                float inv = 1f / sum, cum = 0;
                boolean[] remove = new boolean[v];
                for (int i = 0; i < v; i++) {
                    cum += e[i] * inv;
                    remove[i] = cum <= cut && i < v - 1;
                }
                for (int i = 0; i < v; i++) if (remove[i]) logits[off + order[i]] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Masks {@code logits} in place (rows x v) and draws one index per row. */
    public int[] sample(float[] logits, int v) {
        mask(logits, v, topK, topP);
        int rows = logits.length / v;
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) out[r] = draw(logits, r * v, v);
        return out;
    }

    private int draw(float[] l, int off, int v) {
        if (method == Method.GUMBEL_MAX) {
            int best = -1;
            double bestVal = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < v; i++) {
                if (l[off + i] == Float.NEGATIVE_INFINITY) continue;
                double g = l[off + i] - Math.log(-Math.log(nextOpen()));
                if (best < 0 || g > bestVal) { best = i; bestVal = g; }
            }
            return best;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) max = Math.max(max, l[off + i]);
        double sum = 0;
        for (int i = 0; i < v; i++) sum += Math.exp(l[off + i] - max);
        double u = rng.nextDouble() * sum, cum = 0;
        int last = 0;
        for (int i = 0; i < v; i++) {
            double p = Math.exp(l[off + i] - max);
            if (p == 0) continue;
            cum += p;
            last = i;
            if (u < cum) return i;
        }
        return last;
    }

    /** Uniform in (0, 1). */
    private double nextOpen() {
        double u;
        do { u = rng.nextDouble(); } while (u == 0);
        return u;
    }
}
