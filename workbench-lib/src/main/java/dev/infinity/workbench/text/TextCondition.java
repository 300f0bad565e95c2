package dev.infinity.workbench.text;

import ai.djl.ndarray.NDArray;

/**
 * Text features packed the way the official {@code encode_prompt} hands them to the transformer: the
 * features of every prompt's real tokens concatenated, with per-prompt lengths.
 *
 * @param features  (sum of lens, C) float32, prompt after prompt (no padding rows)
 * @param lens      tokens per prompt
 * @param cuSeqlens cumulative lengths [0, lens[0], lens[0]+lens[1], ...] (length B+1)
 * @param maxLen    the largest of {@code lens}
 */
public record TextCondition(NDArray features, int[] lens, int[] cuSeqlens, int maxLen) {
    /** Builds the cumulative lengths and max length from per-prompt lengths. */
    public static TextCondition of(NDArray features, int[] lens) {
        int[] cu = new int[lens.length + 1];
        int max = 0;
        for (int i = 0; i < lens.length; i++) {
            if (lens[i] <= 0) throw new IllegalArgumentException("prompt " + i + " has no tokens");
            cu[i + 1] = cu[i] + lens[i];
            max = Math.max(max, lens[i]);
        }
        if (features.getShape().get(0) != cu[lens.length]) {
            throw new IllegalArgumentException("features have " + features.getShape().get(0) + " rows, lens sum to " + cu[lens.length]);
        }
        return new TextCondition(features, lens.clone(), cu, max);
    }

    public int batchSize() { return lens.length; }

    /** Feature width C. */
    public long channels() { return features.getShape().get(1); }
}
