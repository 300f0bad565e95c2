package dev.infinity.workbench.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.infinity.workbench.nn.Embedding;
import dev.infinity.workbench.nn.Linear;
import dev.infinity.workbench.nn.Module;

/**
 * Multi-head self-attention without biases, with HF T5's parameter names ({@code q k v o}, and
 * {@code relative_attention_bias} in the layer that owns the position bias). Scores get an additive
 * bias (position bias and/or padding mask); T5 does not scale the scores, other encoders pass
 * {@code 1/sqrt(head_dim)}. Softmax runs in float32 whatever the weights' dtype.
 */
public class SelfAttention extends Module {
    final Linear q;
    final Linear k;
    final Linear v;
    final Linear o;
    /** (num_buckets, heads), or null when this layer reuses a shared position bias. */
    final Embedding relativeAttentionBias;
    private final int heads;
    private final int headDim;
    /** 0-d score scale, or null for none (T5). */
    private final NDArray scale;

    public SelfAttention(NDManager manager, int dModel, int heads, int headDim, int relativeBuckets, Float scale) {
        super(manager);
        this.heads = heads;
        this.headDim = headDim;
        int inner = heads * headDim;
        q = child("q", new Linear(manager, dModel, inner, false));
        k = child("k", new Linear(manager, dModel, inner, false));
        v = child("v", new Linear(manager, dModel, inner, false));
        o = child("o", new Linear(manager, inner, dModel, false));
        relativeAttentionBias = relativeBuckets > 0
                ? child("relative_attention_bias", new Embedding(manager, relativeBuckets, heads, (float) (1 / Math.sqrt(dModel))))
                : null;
        this.scale = scale == null ? null : manager.create(scale.floatValue());
    }

    /** The learned position bias for a bucket table (L, L) int64 → (1, heads, L, L) float32. */
    public NDArray positionBias(NDArray buckets) {
        if (relativeAttentionBias == null) throw new IllegalStateException("this attention layer has no relative_attention_bias");
        NDArray b = relativeAttentionBias.forward(buckets); // (L, L, H)
        if (b.getDataType() != DataType.FLOAT32) b = b.toType(DataType.FLOAT32, false);
        return b.transpose(2, 0, 1).expandDims(0);
    }

    /** x (B, L, d), bias float32 broadcastable to (B, H, L, L) → (B, L, d). */
    public NDArray forward(NDArray x, NDArray bias) {
        long b = x.getShape().get(0);
        long len = x.getShape().get(1);
        NDArray qh = heads(q.forward(x), b, len);
        NDArray kh = heads(k.forward(x), b, len);
        NDArray vh = heads(v.forward(x), b, len);
        NDArray scores = qh.matMul(kh.transpose(0, 1, 3, 2)); // (B, H, L, L)
        if (scale != null) scores = scores.mul(scale);
        DataType dtype = scores.getDataType();
        if (dtype != DataType.FLOAT32) scores = scores.toType(DataType.FLOAT32, false);
        NDArray attn = scores.add(bias).softmax(-1);
        if (dtype != DataType.FLOAT32) attn = attn.toType(dtype, false);
        NDArray ctx = attn.matMul(vh).transpose(0, 2, 1, 3).reshape(b, len, (long) heads * headDim);
        return o.forward(ctx);
    }

    /** (B, L, H*dh) → (B, H, L, dh). */
    private NDArray heads(NDArray t, long b, long len) {
        return t.reshape(b, len, heads, headDim).transpose(0, 2, 1, 3);
    }
}
