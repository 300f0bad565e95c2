package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** 2-D convolution with weight (out, in, kh, kw) and bias (out), NCHW. */
public class Conv2d extends Module {
    public final Parameter weight;
    public final Parameter bias;
    private final int stride;
    private final int padH;
    private final int padW;

    /** Square kernel, the same padding on both axes. */
    public Conv2d(NDManager manager, long in, long out, int kernel, int stride, int padding, boolean bias) {
        this(manager, in, out, kernel, kernel, stride, padding, padding, bias);
    }

    /** Rectangular kernel (kh, kw) with padding (padH, padW), e.g. Inception's 1x7 / 7x1 convolutions. */
    public Conv2d(NDManager manager, long in, long out, int kh, int kw, int stride, int padH, int padW, boolean bias) {
        super(manager);
        this.stride = stride;
        this.padH = padH;
        this.padW = padW;
        float bound = (float) (1.0 / Math.sqrt(in * kh * kw));
        this.weight = param("weight", manager.randomUniform(-bound, bound, new Shape(out, in, kh, kw)));
        this.bias = bias ? param("bias", manager.randomUniform(-bound, bound, new Shape(out))) : null;
    }

    /** x (B, in, H, W) → (B, out, H', W'). */
    public NDArray forward(NDArray x) {
        NDList out = ai.djl.nn.convolutional.Conv2d.conv2d(x, weight.array(), bias == null ? null : bias.array(),
                new Shape(stride, stride), new Shape(padH, padW), new Shape(1, 1), 1);
        return out.singletonOrThrow();
    }
}
