package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Root-mean-square norm over the last axis, {@code x / sqrt(mean(x^2) + eps) * weight}, with no mean
 * subtraction and no bias (T5's layer norm; Infinity's RMSNorm). The statistic is computed in float32;
 * the result has the weight's dtype.
 */
public class RMSNorm extends Module {
    public final Parameter weight;
    /** eps as a 0-d array kept alive with the module (scalar-argument ops can corrupt gradients). */
    private final NDArray eps;

    public RMSNorm(NDManager manager, long dim, float eps) {
        super(manager);
        this.weight = param("weight", manager.ones(new Shape(dim)));
        this.eps = manager.create(eps);
    }

    /** x (..., dim) → same shape. */
    public NDArray forward(NDArray x) {
        DataType dtype = weight.array().getDataType();
        NDArray x32 = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray rms = x32.square().mean(new int[] {-1}, true).add(eps).sqrt();
        NDArray y = x32.div(rms);
        if (dtype != DataType.FLOAT32) y = y.toType(dtype, false);
        return y.mul(weight.array());
    }
}
