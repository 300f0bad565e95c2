package dev.infinity.workbench.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.RMSNorm;

/**
 * One pre-norm encoder block with HF T5's names: {@code layer.0} = RMSNorm + self-attention,
 * {@code layer.1} = RMSNorm + feed-forward, each added to the residual stream. Also the block of
 * {@link ToyTextEncoder}.
 */
public class T5Block extends Module {
    final SelfAttention attention;
    private final RMSNorm attentionNorm;
    private final FeedForward feedForward;
    private final RMSNorm feedForwardNorm;

    public T5Block(NDManager manager, int dModel, int heads, int headDim, int dFf, boolean gated, String activation,
                   float eps, int relativeBuckets, Float scoreScale) {
        super(manager);
        attention = child("layer.0.SelfAttention", new SelfAttention(manager, dModel, heads, headDim, relativeBuckets, scoreScale));
        attentionNorm = child("layer.0.layer_norm", new RMSNorm(manager, dModel, eps));
        feedForward = child("layer.1.DenseReluDense", new FeedForward(manager, dModel, dFf, gated, activation));
        feedForwardNorm = child("layer.1.layer_norm", new RMSNorm(manager, dModel, eps));
    }

    /** x (B, L, d), bias broadcastable to (B, H, L, L) → (B, L, d). */
    public NDArray forward(NDArray x, NDArray bias) {
        x = x.add(attention.forward(attentionNorm.forward(x), bias));
        return x.add(feedForward.forward(feedForwardNorm.forward(x)));
    }
}
