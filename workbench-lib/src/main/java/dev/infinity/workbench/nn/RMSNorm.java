package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Root-mean-square norm over the last axis with a learned weight and no bias (T5's layer norm; Infinity's text
 * norm); see {@link Functional#rmsNorm}.
 */
public class RMSNorm extends Module {
    public final Parameter weight;
    private final float eps;

    public RMSNorm(NDManager manager, long dim, float eps) {
        super(manager);
        this.weight = param("weight", manager.ones(new Shape(dim)));
        this.eps = eps;
    }

    /** x (..., dim) → same shape. */
    public NDArray forward(NDArray x) {
        return Functional.rmsNorm(x, weight.array(), eps);
    }
}
