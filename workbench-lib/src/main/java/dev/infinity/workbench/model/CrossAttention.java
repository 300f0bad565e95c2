package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.nn.Linear;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * Attention from image tokens (or one learned query, for the attentive text pooling) to the packed text tokens
 * of each prompt (official {@code CrossAttention}). Every batch element b attends only to its own tokens
 * {@code cuSeqlens[b] .. cuSeqlens[b+1]}; softmax scale 1/sqrt(hd).
 *
 * <p>Like the official code in float32, q, k and v are rounded to bfloat16, attention is accumulated in
 * float32 and its output is rounded to bfloat16 again before {@code proj}.
 */
public final class CrossAttention extends Module {
    final Linear matQ;          // image-token mode
    final Parameter poolQuery;  // pooling mode: (1, H, hd)
    final Linear matKv, proj;
    final Parameter vBias, zeroKBias;
    private final int heads, headDim;

    /** {@code pool}: one learned query per prompt ({@code TextAttentivePool}); else queries from x. */
    CrossAttention(NDManager manager, int embedDim, int kvDim, int heads, boolean pool) {
        super(manager);
        this.heads = heads;
        this.headDim = embedDim / heads;
        if (pool) {
            poolQuery = param("mat_q", truncNormal(new Shape(1, heads, headDim), (float) Math.sqrt(1.0 / embedDim / 3)));
            matQ = null;
        } else {
            matQ = child("mat_q", new Linear(manager, embedDim, embedDim, true));
            poolQuery = null;
        }
        matKv = child("mat_kv", new Linear(manager, kvDim, 2L * embedDim, false));
        vBias = param("v_bias", manager.zeros(new Shape(embedDim)));
        zeroKBias = buffer("zero_k_bias", manager.zeros(new Shape(embedDim)));
        proj = child("proj", new Linear(manager, embedDim, embedDim, true));
    }

    /**
     * The bf16-rounded keys and values of the packed text, laid out for the attention products: keys (P, H, hd, n)
     * pre-multiplied by the softmax scale 1/sqrt(hd), values (P, H, n, hd) — one batched pair for all P prompts when
     * their lengths are equal, else one pair (1, ...) per prompt. Reusable across the scales of a generation.
     */
    record TextKv(List<NDArray> keys, List<NDArray> values, int prompts) {
        List<NDArray> arrays() {
            List<NDArray> all = new ArrayList<>(keys);
            all.addAll(values);
            return all;
        }
    }

    /** Keys and values of the packed text (N, kvDim) of prompts {@code cuSeqlens[i] .. cuSeqlens[i+1]}. */
    TextKv textKv(NDArray text, int[] cuSeqlens) {
        long n = text.getShape().get(0);
        int prompts = cuSeqlens.length - 1;
        if (cuSeqlens[prompts] != n) throw new IllegalArgumentException("cu_seqlens end at " + cuSeqlens[prompts] + ", the text has " + n + " tokens");
        NDArray bias = Ops.onManagerOf(text, zeroKBias.array().concat(vBias.array()));
        NDArray kv = Ops.roundToBf16(Functional.linear(text, matKv.weight.array(), bias).reshape(n, 2, heads, headDim));   // N 2 H hd
        NDArray scale = Functional.constant(kv, (float) (1 / Math.sqrt(headDim)));
        if (equalLengths(cuSeqlens)) {
            NDArray kvb = kv.reshape(prompts, cuSeqlens[1], 2, heads, headDim);
            return new TextKv(List.of(kvb.get(":, :, 0").transpose(0, 2, 3, 1).mul(scale)), List.of(kvb.get(":, :, 1").transpose(0, 2, 1, 3)), prompts);
        }
        List<NDArray> keys = new ArrayList<>(), values = new ArrayList<>();
        for (int i = 0; i < prompts; i++) {
            NDArray kvi = kv.get("{}:{}", cuSeqlens[i], cuSeqlens[i + 1]);                            // n 2 H hd
            keys.add(kvi.get(":, 0").transpose(1, 2, 0).expandDims(0).mul(scale));
            values.add(kvi.get(":, 1").transpose(1, 0, 2).expandDims(0));
        }
        return new TextKv(keys, values, prompts);
    }

    /** x (B, l, C) attends to its prompt's tokens. Returns (B, l, C). */
    NDArray forward(NDArray x, TextKv kv) {
        Shape s = x.getShape();
        NDArray q = Ops.roundToBf16(matQ.forward(x).reshape(s.get(0), s.get(1), heads, headDim));
        return proj.forward(attend(q, kv));
    }

    /** The pooled condition: one query per prompt → (B, C). */
    NDArray pool(TextKv kv) {
        int b = kv.prompts();
        NDArray q = Ops.roundToBf16(Ops.onManagerOf(kv.values().get(0), poolQuery.array().expandDims(0)).repeat(0, b));   // B 1 H hd
        NDArray out = proj.forward(attend(q, kv));
        return out.reshape(b, out.getShape().get(2));
    }

    private static boolean equalLengths(int[] cu) {
        for (int i = 1; i < cu.length; i++) if (cu[i] - cu[i - 1] != cu[1]) return false;
        return true;
    }

    /** q (B, l, H, hd) bf16-valued → (B, l, C) bf16-valued, attention accumulated in float32. */
    private NDArray attend(NDArray q, TextKv kv) {
        long b = q.getShape().get(0), l = q.getShape().get(1);
        if (kv.prompts() != b) throw new IllegalArgumentException("text has " + kv.prompts() + " prompts, batch is " + b);
        NDArray qt = q.transpose(0, 2, 1, 3);                                                      // B H l hd
        NDArray out;
        if (kv.keys().size() == 1) {
            out = qt.matMul(kv.keys().get(0)).softmax(-1).matMul(kv.values().get(0));                // B H l hd
        } else {
            NDList outs = new NDList();
            for (int i = 0; i < b; i++) outs.add(qt.get("{}:{}", i, i + 1).matMul(kv.keys().get(i)).softmax(-1).matMul(kv.values().get(i)));
            out = NDArrays.concat(outs, 0);
        }
        return Ops.roundToBf16(out.transpose(0, 2, 1, 3).reshape(b, l, (long) heads * headDim));
    }
}
