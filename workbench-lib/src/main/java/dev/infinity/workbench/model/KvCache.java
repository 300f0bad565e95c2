package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;

/**
 * Per-block state of autoregressive inference: self-attention keys/values of every token so far (after RoPE),
 * and the cross-attention keys/values of the text, which do not change between scales.
 */
public final class KvCache {
    /** One block's cache. */
    static final class Layer {
        NDArray k, v;       // (B, H, tokens so far, hd)
        NDArray textKv;     // (N, 2, H, hd), bf16-rounded
    }

    private final Layer[] layers;

    public KvCache(int depth) {
        layers = new Layer[depth];
        for (int i = 0; i < depth; i++) layers[i] = new Layer();
    }

    Layer layer(int i) { return layers[i]; }

    /** Tokens held (0 when empty). */
    public long length() {
        return layers[0].k == null ? 0 : layers[0].k.getShape().get(2);
    }

    /** Every array the cache holds, e.g. to keep them alive across an {@code NDScope}. */
    public NDArray[] arrays() {
        java.util.List<NDArray> out = new java.util.ArrayList<>();
        for (Layer l : layers) {
            if (l.k != null) { out.add(l.k); out.add(l.v); }
            if (l.textKv != null) out.add(l.textKv);
        }
        return out.toArray(new NDArray[0]);
    }
}
