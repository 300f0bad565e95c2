package dev.infinity.workbench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.Parameter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamWTest {
    /** A weight matrix and a bias, to see decay applied to the first only. */
    static final class Pair extends Module {
        final Parameter w, b;

        Pair(NDManager m) {
            super(m);
            w = param("w", m.create(new float[] {1, -2, 3, -4}, new Shape(2, 2)));
            b = param("b", m.create(new float[] {1, -1}));
        }
    }

    /** loss = sum(w * cw) + sum(b * cb): constant gradients cw, cb. */
    private static void backward(Pair p, NDArray cw, NDArray cb) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.w.array().mul(cw).sum().add(p.b.array().mul(cb).sum()));
        }
    }

    @Test
    void stepsLikeTorchAdamWWithDecayOnMatricesOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Pair p = new Pair(m);
            p.setTrainable(true);
            NDArray cw = m.create(new float[] {0.5f, -1f, 2f, 0f}, new Shape(2, 2));
            NDArray cb = m.create(new float[] {3f, -3f});
            try (AdamW adam = new AdamW(p.namedParameters(), 0.9f, 0.999f, 1e-8f, 0.1f)) {
                for (int step = 0; step < 2; step++) {
                    backward(p, cw, cb);
                    adam.step(0.01);
                }
                // torch.optim.AdamW(lr=0.01, wd=0.1): with constant g, each step moves -lr*sign(g) after p *= (1 - lr*wd)
                float[] w = {1, -2, 3, -4}, g = {0.5f, -1, 2, 0};
                for (int s = 0; s < 2; s++) {
                    for (int i = 0; i < 4; i++) w[i] = w[i] * (1 - 0.01f * 0.1f) - (g[i] == 0 ? 0 : 0.01f * Math.signum(g[i]));
                }
                assertArrayEquals(w, p.w.array().toFloatArray(), 1e-5f);
                assertArrayEquals(new float[] {1 - 0.02f, -1 + 0.02f}, p.b.array().toFloatArray(), 1e-5f); // no decay on biases
                // gradients are zeroed after a step: a new backward sees exactly cw again
                backward(p, cw, cb);
                assertArrayEquals(cw.toFloatArray(), p.w.array().getGradient().toFloatArray(), 0f);
            }
        }
    }

    @Test
    void clipsByGlobalNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Pair p = new Pair(m);
            p.setTrainable(true);
            backward(p, m.create(new float[] {3, 0, 0, 0}, new Shape(2, 2)), m.create(new float[] {0, 4}));
            try (AdamW adam = new AdamW(p.namedParameters(), 0.9f, 0.999f, 1e-8f, 0f)) {
                assertEquals(5.0, adam.clipGradNorm(1.0), 1e-6);
                assertArrayEquals(new float[] {0.6f, 0, 0, 0}, p.w.array().getGradient().toFloatArray(), 1e-5f);
                assertArrayEquals(new float[] {0, 0.8f}, p.b.array().getGradient().toFloatArray(), 1e-5f);
            }
        }
    }
}
