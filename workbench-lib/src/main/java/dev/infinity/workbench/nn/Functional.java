package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Stateless functions shared by the modules (PyTorch's {@code torch.nn.functional}), written so they are safe in
 * differentiated graphs: every constant is an NDArray on the activations' manager, never a scalar argument
 * (DJL frees those right away, which can corrupt gradients; see the field notes).
 */
public final class Functional {
    private static final float GELU_BETA = (float) (Math.sqrt(2.0) * (2.0 / Math.sqrt(Math.PI)) * 0.5);   // sqrt(2/pi)
    private static final float GELU_KAPPA = 0.044715f;

    private Functional() {}

    /** True when nothing records gradients (outside a GradientCollector): in-place arithmetic on fresh temporaries is then safe. */
    public static boolean inference() {
        return !ai.djl.pytorch.jni.JniUtils.isGradMode();
    }

    /**
     * Moves a temporary to {@code scope} and returns it. DJL attaches an op's result to its first input's manager;
     * results computed from long-lived arrays (parameters, optimiser moments) must be moved or they live as long.
     */
    public static NDArray inScope(NDArray temporary, NDManager scope) {
        temporary.attach(scope);
        return temporary;
    }

    /** A float32 0-d constant on x's manager: lives as long as the activations, i.e. past backward. */
    public static NDArray scalar(NDArray like, float v) {
        return like.getManager().create(v);
    }

    /** {@code F.linear}: x (..., in) → (..., out) with PyTorch's fused kernel; the result lives on x's manager. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /** GELU, tanh approximation ({@code approximate='tanh'}, HF {@code gelu_new}). */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.mul(x).mul(x).mul(scalar(x, GELU_KAPPA))).mul(scalar(x, GELU_BETA)).tanh();
        return x.mul(scalar(x, 0.5f)).mul(inner.add(scalar(x, 1f)));
    }

    /**
     * RMSNorm over the last axis, {@code x * rsqrt(mean(x^2) + eps) * weight} as torch and HF T5 compute it; the
     * statistic is taken in float32, the result has the weight's dtype.
     */
    public static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        NDArray x32 = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray ms = x32.square().mean(new int[] {-1}, true).add(scalar(x32, eps));
        NDArray y = x32.mul(scalar(x32, 1f).div(ms.sqrt()));
        if (weight.getDataType() != DataType.FLOAT32) y = y.toType(weight.getDataType(), false);
        return y.mul(weight);
    }
}
