package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.LayerNorm;
import dev.infinity.workbench.nn.Functional;

/** The element-wise functions of the transformer, written out where DJL's built-ins differ from PyTorch's. */
final class Ops {
    private Ops() {}

    /** Moves a temporary derived from parameters only onto the manager of the activations it is used with. */
    static NDArray onManagerOf(NDArray like, NDArray temp) {
        return Functional.inScope(temp, like.getManager());
    }

    /** LayerNorm with affine weight and bias. */
    static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        return LayerNorm.layerNorm(x, weight.getShape(), weight, bias, eps).singletonOrThrow();
    }

    /** {@code LN(x) * (1 + scale) + shift}, the adaptive LayerNorm of the head. */
    static NDArray adaLayerNorm(NDArray x, NDArray scale, NDArray shift, float eps) {
        return modulate(x, scale.add(Functional.constant(scale, 1f)), shift, eps);
    }

    /** {@code LN(x) * gain + shift} with {@code gain = 1 + scale} computed by the caller (once per conditioning). */
    static NDArray modulate(NDArray x, NDArray gain, NDArray shift, float eps) {
        return Functional.addOwned(Functional.mulOwned(Functional.layerNorm(x, eps), gain), shift);
    }

    /**
     * Rounds every element to the nearest bfloat16 (ties to even) and returns it as float32, as the official
     * {@code x.to(torch.bfloat16).float()} — without a BF16 NDArray, which aborts the CPU engine.
     */
    static NDArray roundToBf16(NDArray x) {
        // Veltkamp split on the device: t = x (2^16 + 1); x_hi = t - (t - x) keeps the top 8 significand bits,
        // rounded to nearest even (identical to Half.toBFloat16Bits on 4M random values, ties included).
        // d x_hi / d x = 1 exactly, so the gradient passes straight through.
        NDArray t = x.mul(Functional.constant(x, 65537f));
        return Functional.inference() ? t.subi(t.sub(x)) : t.sub(t.sub(x));
    }
}
