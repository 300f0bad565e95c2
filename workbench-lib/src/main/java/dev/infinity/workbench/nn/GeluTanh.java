package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * GELU, tanh approximation ({@code gelu_new} / {@code approximate="tanh"}):
 * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. Constants are 0-d arrays owned by the module,
 * so the op is safe in differentiated graphs.
 */
public class GeluTanh extends Module {
    private final NDArray half;
    private final NDArray one;
    private final NDArray cubic;
    private final NDArray sqrt2OverPi;

    public GeluTanh(NDManager manager) {
        super(manager);
        half = manager.create(0.5f);
        one = manager.create(1f);
        cubic = manager.create(0.044715f);
        sqrt2OverPi = manager.create((float) Math.sqrt(2 / Math.PI));
    }

    public NDArray forward(NDArray x) {
        NDArray inner = x.add(x.mul(x).mul(x).mul(cubic)).mul(sqrt2OverPi);
        return x.mul(half).mul(inner.tanh().add(one));
    }
}
