package dev.infinity.workbench.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Token ids of a batch of prompts, right-padded to the longest one, with the per-prompt lengths that
 * make up the attention mask (1 for the first {@code lens[b]} positions, 0 after).
 *
 * <p>The official code pads to 512; the features of real tokens are the same either way, because padded
 * keys get zero attention weight and T5's position bias depends only on the query-key distance.
 *
 * @param ids (batch * length) row-major, int64
 */
public record TokenBatch(long[] ids, int[] lens, int batch, int length) {
    /** Pads each sequence with {@code padId} to the longest length. */
    public static TokenBatch pad(List<long[]> sequences, long padId) {
        int b = sequences.size();
        int len = 0;
        int[] lens = new int[b];
        for (int i = 0; i < b; i++) {
            lens[i] = sequences.get(i).length;
            if (lens[i] == 0) throw new IllegalArgumentException("prompt " + i + " has no tokens");
            len = Math.max(len, lens[i]);
        }
        long[] ids = new long[b * len];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) System.arraycopy(sequences.get(i), 0, ids, i * len, lens[i]);
        return new TokenBatch(ids, lens, b, len);
    }

    /** (B, L) int64. */
    public NDArray idsArray(NDManager manager) {
        return manager.create(ids, new Shape(batch, length));
    }

    /** Attention mask (B, L) as 1/0 int64, as a tokenizer returns it. */
    public long[] mask() {
        long[] m = new long[batch * length];
        for (int i = 0; i < batch; i++) java.util.Arrays.fill(m, i * length, i * length + lens[i], 1L);
        return m;
    }

    /**
     * Additive mask (B, 1, 1, L) float32: 0 on real keys, the most negative float on padding (what HF
     * adds), so padded keys get exactly zero weight.
     */
    public NDArray maskBias(NDManager manager) {
        float[] bias = new float[batch * length];
        for (int i = 0; i < batch; i++) java.util.Arrays.fill(bias, i * length + lens[i], (i + 1) * length, -Float.MAX_VALUE);
        return manager.create(bias, new Shape(batch, 1, 1, length));
    }
}
