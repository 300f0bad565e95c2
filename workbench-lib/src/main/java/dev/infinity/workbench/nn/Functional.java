package dev.infinity.workbench.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Stateless functions shared by the modules (PyTorch's {@code torch.nn.functional}), written so they are safe in
 * differentiated graphs: every constant is an NDArray on the activations' manager, never a scalar argument
 * (DJL frees those right away, which can corrupt gradients; see the field notes).
 */
public final class Functional {
    private static final double GELU_BETA = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_KAPPA = 0.044715;
    /** {@code 0.5 (1 + tanh(z)) = sigmoid(2z)}: GELU-tanh is {@code x * sigmoid(x * (GELU_A + GELU_B * x^2))}. */
    private static final float GELU_A = (float) (2 * GELU_BETA), GELU_B = (float) (2 * GELU_BETA * GELU_KAPPA);

    /** Process-wide constant arrays per device and key, created once and never freed (see {@link #constant(Device, String, Function)}). */
    private static final Map<Device, NDManager> CONSTANT_MANAGERS = new ConcurrentHashMap<>();
    private static final Map<String, NDArray> CONSTANTS = new ConcurrentHashMap<>();

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

    /**
     * A float32 0-d constant on x's device that lives for the whole process: safe in differentiated graphs like
     * {@link #scalar}, without creating an array per call (for constants of the model's formulas).
     */
    public static NDArray constant(NDArray like, float v) {
        return constant(like.getDevice(), "scalar " + v, m -> m.create(v));
    }

    /** The constant array {@code make} creates for {@code key} on {@code device}, made once and kept for the process. */
    public static NDArray constant(Device device, String key, Function<NDManager, NDArray> make) {
        return CONSTANTS.computeIfAbsent(device + "/" + key, k -> make.apply(CONSTANT_MANAGERS.computeIfAbsent(device, NDManager::newBaseManager)));
    }

    /** {@code a * b}; in place on {@code a} when no gradient is recorded, so {@code a} must be a temporary the caller owns. */
    public static NDArray mulOwned(NDArray a, NDArray b) {
        return inference() ? a.muli(b) : a.mul(b);
    }

    /** {@code a + b}; in place on {@code a} when no gradient is recorded (see {@link #mulOwned}). */
    public static NDArray addOwned(NDArray a, NDArray b) {
        return inference() ? a.addi(b) : a.add(b);
    }

    /** LayerNorm over the last axis without affine weights (an identity affine of process-wide ones and zeros). */
    public static NDArray layerNorm(NDArray x, float eps) {
        Shape c = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        Device device = x.getDevice();
        NDArray ones = constant(device, "ones " + c, m -> m.ones(c)), zeros = constant(device, "zeros " + c, m -> m.zeros(c));
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, c, ones, zeros, eps).singletonOrThrow();
    }

    /** {@code F.linear}: x (..., in) → (..., out) with PyTorch's fused kernel; the result lives on x's manager. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * GELU, tanh approximation ({@code approximate='tanh'}, HF {@code gelu_new}):
     * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, computed as the equal {@code x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3))}
     * in six ops instead of nine.
     */
    public static NDArray geluTanh(NDArray x) {
        NDArray z = mulOwned(addOwned(mulOwned(x.square(), constant(x, GELU_B)), constant(x, GELU_A)), x);
        return mulOwned(Activation.sigmoid(z), x);
    }

    /**
     * SiLU / swish, {@code x * sigmoid(x)}. Without gradients the product overwrites the sigmoid's buffer: one
     * full-size allocation instead of two (for a 256x256 x 128-channel map, 32 MB the kernel must map and zero).
     */
    public static NDArray silu(NDArray x) {
        return mulOwned(Activation.sigmoid(x), x);
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
