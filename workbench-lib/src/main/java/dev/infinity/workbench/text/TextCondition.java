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

    /**
     * Packs padded encoder output: keeps the first {@code lens[b]} rows of each prompt (real tokens, EOS
     * included) and concatenates them, as the official {@code encode_prompt} does.
     *
     * @param hidden (B, L, C); the features are float32, in {@code hidden}'s manager
     */
    public static TextCondition fromPadded(NDArray hidden, int[] lens) {
        long b = hidden.getShape().get(0);
        long len = hidden.getShape().get(1);
        if (b != lens.length) throw new IllegalArgumentException("hidden has " + b + " prompts, lens has " + lens.length);
        int total = 0;
        for (int l : lens) {
            if (l > len) throw new IllegalArgumentException("length " + l + " exceeds the padded length " + len);
            total += Math.max(l, 0);
        }
        long[] rows = new long[total];
        int r = 0;
        for (int i = 0; i < lens.length; i++) for (int t = 0; t < lens[i]; t++) rows[r++] = i * len + t;
        NDArray flat = hidden.reshape(b * len, hidden.getShape().get(2));
        NDArray index = hidden.getManager().create(rows);
        NDArray features = flat.get(new ai.djl.ndarray.index.NDIndex("{}", index));
        if (features.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            features = features.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        }
        return of(features, lens);
    }

    public int batchSize() { return lens.length; }

    /** Feature width C. */
    public long channels() { return features.getShape().get(1); }
}
