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

    /** Keys and values of the text (N, kvDim) → (N, 2, H, hd), rounded to bf16; reusable across scales. */
    NDArray textKv(NDArray text) {
        long n = text.getShape().get(0);
        NDArray bias = Ops.onManagerOf(text, zeroKBias.array().concat(vBias.array()));
        return Ops.roundToBf16(matKv.forward(text).add(bias).reshape(n, 2, heads, headDim));
    }

    /** x (B, l, C) attends to its prompt's tokens; kv from {@link #textKv}. Returns (B, l, C). */
    NDArray forward(NDArray x, NDArray kv, int[] cuSeqlens) {
        Shape s = x.getShape();
        NDArray q = Ops.roundToBf16(matQ.forward(x).reshape(s.get(0), s.get(1), heads, headDim));
        return proj.forward(attend(q, kv, cuSeqlens));
    }

    /** The pooled condition: one query per prompt → (B, C). */
    NDArray pool(NDArray kv, int[] cuSeqlens) {
        int b = cuSeqlens.length - 1;
        NDArray q = Ops.roundToBf16(Ops.onManagerOf(kv, poolQuery.array().expandDims(0)).repeat(0, b));   // B 1 H hd
        NDArray out = proj.forward(attend(q, kv, cuSeqlens));
        return out.reshape(b, out.getShape().get(2));
    }

    private static boolean equalLengths(int[] cu) {
        for (int i = 1; i < cu.length; i++) if (cu[i] - cu[i - 1] != cu[1]) return false;
        return true;
    }

    /** q (B, l, H, hd) bf16-valued, kv (N, 2, H, hd) → (B, l, C) bf16-valued. */
    private NDArray attend(NDArray q, NDArray kv, int[] cu) {
        long b = q.getShape().get(0), l = q.getShape().get(1);
        if (cu.length - 1 != b) throw new IllegalArgumentException("text has " + (cu.length - 1) + " prompts, batch is " + b);
        float scale = (float) (1 / Math.sqrt(headDim));
        if (equalLengths(cu)) {                                                       // one batched product
            long n = cu[1];
            NDArray kvb = kv.reshape(b, n, 2, heads, headDim);
            NDArray k = kvb.get(":, :, 0").transpose(0, 2, 3, 1);                     // B H hd n
            NDArray v = kvb.get(":, :, 1").transpose(0, 2, 1, 3);                     // B H n hd
            NDArray p = q.transpose(0, 2, 1, 3).matMul(k).mul(Functional.scalar(q, scale)).softmax(-1);     // B H l n
            return Ops.roundToBf16(p.matMul(v).transpose(0, 2, 1, 3).reshape(b, l, (long) heads * headDim));
        }
        NDList outs = new NDList();
        for (int i = 0; i < b; i++) {
            NDArray kvb = kv.get("{}:{}", cu[i], cu[i + 1]);                          // n 2 H hd
            NDArray k = kvb.get(":, 0").transpose(1, 2, 0);                           // H hd n
            NDArray v = kvb.get(":, 1").transpose(1, 0, 2);                           // H n hd
            NDArray qb = q.get(i).transpose(1, 0, 2);                                 // H l hd
            NDArray p = qb.matMul(k).mul(Functional.scalar(q, scale)).softmax(-1);
            outs.add(p.matMul(v).transpose(1, 0, 2).reshape(1, l, (long) heads * headDim));
        }
        return Ops.roundToBf16(outs.size() == 1 ? outs.head() : NDArrays.concat(outs, 0));
    }
}
