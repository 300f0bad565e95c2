package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-block state of autoregressive inference: self-attention keys/values of every token so far (after RoPE), and
 * what does not change between scales of one generation — the cross-attention keys/values of the text, the block's
 * AdaLN modulation and the parameter-only factors of its self-attention — computed at the first scale.
 */
public final class KvCache {
    /** One block's cache. */
    static final class Layer {
        NDArray k, v;                        // (B, H, tokens so far, hd)
        CrossAttention.TextKv textKv;        // bf16-rounded text keys/values
        CrossAttnBlock.Modulation modulation;
        SelfAttention.Factors attention;

        /** Moves what this layer holds to {@code manager} (its block computes them in a scope it closes). */
        void attach(NDManager manager) {
            List<NDArray> all = new ArrayList<>();
            collect(all);
            for (NDArray a : all) a.attach(manager);
        }

        void collect(List<NDArray> out) {
            if (k != null) { out.add(k); out.add(v); }
            if (textKv != null) out.addAll(textKv.arrays());
            if (modulation != null) out.addAll(modulation.arrays());
            if (attention != null) out.addAll(attention.arrays());
        }
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
        List<NDArray> out = new ArrayList<>();
        for (Layer l : layers) l.collect(out);
        return out.toArray(new NDArray[0]);
    }
}
