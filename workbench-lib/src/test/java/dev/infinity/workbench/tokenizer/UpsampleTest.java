package dev.infinity.workbench.tokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.infinity.workbench.nn.Parameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The phase-conv Upsample against its definition: nearest x2, then a 3x3 conv with padding 1. */
class UpsampleTest {
    NDManager m;

    @BeforeEach void open() { m = NDManager.newBaseManager(); }
    @AfterEach void close() { m.close(); }

    /** The definition, materialising the upsampled image. */
    static NDArray reference(NDArray x, NDArray weight, NDArray bias) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        NDArray up = x.reshape(b, c, h, 1, w, 1).broadcast(new Shape(b, c, h, 2, w, 2)).reshape(b, c, 2 * h, 2 * w);
        return ai.djl.nn.convolutional.Conv2d.conv2d(up, weight, bias, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    @Test
    void equalsNearestUpsamplingThenConvolution() {
        Upsample up = new Upsample(m, 6);
        Parameter weight = up.namedParameters().get("conv.conv.weight"), bias = up.namedParameters().get("conv.conv.bias");
        NDArray x = m.randomNormal(new Shape(2, 6, 5, 7)); // odd, non-square sizes reach every border case
        NDArray got = up.forward(x);
        assertEquals(new Shape(2, 6, 10, 14), got.getShape());
        assertArrayEquals(reference(x, weight.array(), bias.array()).toFloatArray(), got.toFloatArray(), 1e-5f);
    }

    @Test
    void gradientsEqualThoseOfTheDefinition() {
        Upsample up = new Upsample(m, 4);
        Parameter weight = up.namedParameters().get("conv.conv.weight"), bias = up.namedParameters().get("conv.conv.bias");
        NDArray x = m.randomNormal(new Shape(1, 4, 3, 3));
        NDArray target = m.randomNormal(new Shape(1, 4, 6, 6));
        x.setRequiresGradient(true);
        weight.setRequiresGradient(true);
        float[][] phase = gradients(() -> up.forward(x), target, x, weight.array());
        float[][] definition = gradients(() -> reference(x, weight.array(), bias.array()), target, x, weight.array());
        for (int i = 0; i < phase.length; i++) assertArrayEquals(definition[i], phase[i], 1e-4f);
    }

    /** d(sum(out * target))/d(each of wrt), from a fresh backward. */
    private static float[][] gradients(java.util.function.Supplier<NDArray> out, NDArray target, NDArray... wrt) {
        try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
            g.zeroGradients();
            g.backward(out.get().mul(target).sum());
        }
        float[][] grads = new float[wrt.length][];
        for (int i = 0; i < wrt.length; i++) grads[i] = wrt[i].getGradient().toFloatArray();
        return grads;
    }
}
