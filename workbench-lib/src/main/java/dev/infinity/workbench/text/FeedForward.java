package dev.infinity.workbench.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.nn.GeluTanh;
import dev.infinity.workbench.nn.Linear;
import dev.infinity.workbench.nn.Module;

/**
 * T5's {@code DenseReluDense}: gated {@code wo(act(wi_0 x) * wi_1 x)} (v1.1 / flan, act = gelu_new) or
 * plain {@code wo(relu(wi x))} (original T5). No biases.
 */
public class FeedForward extends Module {
    private final Linear wi0;
    private final Linear wi1;
    private final Linear wo;
    private final GeluTanh gelu;

    public FeedForward(NDManager manager, int dModel, int dFf, boolean gated, String activation) {
        super(manager);
        wi0 = child(gated ? "wi_0" : "wi", new Linear(manager, dModel, dFf, false));
        wi1 = gated ? child("wi_1", new Linear(manager, dModel, dFf, false)) : null;
        wo = child("wo", new Linear(manager, dFf, dModel, false));
        gelu = switch (activation) {
            case "gelu_new" -> new GeluTanh(manager);
            case "relu" -> null;
            default -> throw new IllegalArgumentException("unsupported activation '" + activation + "'");
        };
    }

    /** x (..., d) → (..., d). */
    public NDArray forward(NDArray x) {
        NDArray h = wi0.forward(x);
        h = gelu != null ? gelu.forward(h) : ai.djl.nn.Activation.relu(h);
        if (wi1 != null) h = h.mul(wi1.forward(x));
        return wo.forward(h);
    }
}
