package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** {@code y = x W^T + b}, with weight (out, in) as in PyTorch. */
public class Linear extends Module {
    public final Parameter weight;
    public final Parameter bias;

    public Linear(NDManager manager, long in, long out, boolean bias) {
        super(manager);
        float bound = (float) (1.0 / Math.sqrt(in));
        this.weight = param("weight", manager.randomUniform(-bound, bound, new Shape(out, in)));
        this.bias = bias ? param("bias", manager.randomUniform(-bound, bound, new Shape(out))) : null;
    }

    /** x (..., in) → (..., out), on x's manager. */
    public NDArray forward(NDArray x) {
        return Functional.linear(x, weight.array(), bias == null ? null : bias.array());
    }
}
