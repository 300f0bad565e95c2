package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.util.ArrayList;
import java.util.List;

/**
 * The official {@code apply_spatial_patchify}: each transformer token carries a 2x2 patch of tokenizer cells, so a
 * token has 4d bits and a scale of h x w tokens is a 2h x 2w scale of the tokenizer. Bit {@code c*4 + i*2 + j} of the
 * token at (y, x) is channel c of cell (2y+i, 2x+j) ({@code pixel_unshuffle} / {@code pixel_shuffle} with factor 2).
 */
public final class SpatialPatchify {
    private SpatialPatchify() {}

    /** The tokenizer's scales of a schedule of patchified tokens: twice each side. */
    public static ScaleSchedule cells(ScaleSchedule tokens) {
        List<ScaleSchedule.Scale> out = new ArrayList<>();
        for (ScaleSchedule.Scale s : tokens) out.add(new ScaleSchedule.Scale(2 * s.h(), 2 * s.w()));
        return ScaleSchedule.of(out);
    }

    /** Cells (B, 2h*2w, d), row-major, → tokens (B, h*w, 4d) ({@code pixel_unshuffle}). */
    public static NDArray toTokens(NDArray cells, ScaleSchedule.Scale cellScale) {
        long b = cells.getShape().get(0), d = cells.getShape().get(2), h = cellScale.h() / 2, w = cellScale.w() / 2;
        return cells.reshape(b, h, 2, w, 2, d).transpose(0, 1, 3, 5, 2, 4).reshape(b, h * w, 4 * d);
    }

    /** Tokens (B, h*w, 4d) of a token scale → cells (B, 2h, 2w, d) ({@code pixel_shuffle}). */
    public static NDArray toCells(NDArray tokens, ScaleSchedule.Scale tokenScale) {
        long b = tokens.getShape().get(0), d = tokens.getShape().get(2) / 4, h = tokenScale.h(), w = tokenScale.w();
        return tokens.reshape(b, h, w, d, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(b, 2 * h, 2 * w, d);
    }

    /**
     * Bits of one scale's tokens (B, h*w, bits per token) → the tokenizer's cells (B, h', w', d): {@link #toCells} with
     * spatial patchify (h' = 2h), a reshape to the token grid without.
     */
    public static NDArray tokenBitsToCells(NDArray tokens, ScaleSchedule.Scale tokenScale, boolean patchify) {
        return patchify ? toCells(tokens, tokenScale) : tokens.reshape(tokens.getShape().get(0), tokenScale.h(), tokenScale.w(), tokens.getShape().get(2));
    }

    /**
     * Teacher-forcing inputs of the tokenizer's scales (B, cells.tokens() - 1, d), scale by scale after the first (which
     * has none: the start token), → the transformer's inputs (B, tokens - 1, 4d).
     */
    public static NDArray inputsToTokens(NDArray inputs, ScaleSchedule cells) {
        NDList x = new NDList();
        long off = 0;
        for (int s = 1; s < cells.size(); s++) {
            ScaleSchedule.Scale sc = cells.get(s);
            x.add(toTokens(inputs.get(new NDIndex(":, {}:{}", off, off + sc.tokens())), sc));
            off += sc.tokens();
        }
        return x.size() == 1 ? x.head() : NDArrays.concat(x, 1);
    }
}
