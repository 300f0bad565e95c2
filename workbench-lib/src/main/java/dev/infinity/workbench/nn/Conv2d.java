package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** 2-D convolution with weight (out, in, k, k) and bias (out), NCHW. */
public class Conv2d extends Module {
    public final Parameter weight;
    public final Parameter bias;
    private final int stride;
    private final int padding;

    public Conv2d(NDManager manager, long in, long out, int kernel, int stride, int padding, boolean bias) {
        super(manager);
        this.stride = stride;
        this.padding = padding;
        float bound = (float) (1.0 / Math.sqrt(in * kernel * kernel));
        this.weight = param("weight", manager.randomUniform(-bound, bound, new Shape(out, in, kernel, kernel)));
        this.bias = bias ? param("bias", manager.randomUniform(-bound, bound, new Shape(out))) : null;
    }

    /** x (B, in, H, W) → (B, out, H', W'). */
    public NDArray forward(NDArray x) {
        NDList out = ai.djl.nn.convolutional.Conv2d.conv2d(x, weight.array(), bias == null ? null : bias.array(),
                new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1);
        return out.singletonOrThrow();
    }
}
