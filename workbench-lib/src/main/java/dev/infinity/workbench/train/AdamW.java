package dev.infinity.workbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as in {@code torch.optim.AdamW}: decoupled weight decay {@code p -= lr * wd * p}, then the Adam
 * step with bias-corrected moments, {@code p -= lr * m_hat / (sqrt(v_hat) + eps)}. Weight decay applies
 * only to weights with at least two dimensions (not to norms and biases), which DJL's AdamW cannot do.
 * Also provides global-norm gradient clipping ({@code clip_grad_norm_}). Runs outside the gradient graph.
 */
public final class AdamW implements AutoCloseable {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final NDManager state;
    private final float beta1, beta2, eps, weightDecay;
    private long step;

    /** Optimises the learnable entries of {@code named} (dotted name → parameter). */
    public AdamW(Map<String, Parameter> named, float beta1, float beta2, float eps, float weightDecay) {
        NDManager owner = null;
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            if (!e.getValue().learnable()) continue;
            params.put(e.getKey(), e.getValue());
            if (owner == null) owner = e.getValue().array().getManager();
        }
        if (owner == null) throw new IllegalArgumentException("AdamW: no learnable parameters");
        this.state = owner.newSubManager();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray p = e.getValue().array();
            m.put(e.getKey(), state.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            v.put(e.getKey(), state.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public long stepCount() { return step; }

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm} (no-op if {@code maxNorm <= 0}).
     * Returns the norm before clipping (NaN or infinite when a gradient is).
     */
    public double clipGradNorm(double maxNorm) {
        try (NDManager scope = state.newSubManager()) {
            double sumSq = 0;
            for (Parameter p : params.values()) {
                NDArray g = grad(p, scope);
                sumSq += g.square().sum().getFloat();
            }
            double norm = Math.sqrt(sumSq);
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (Parameter p : params.values()) grad(p, scope).muli(scale);
            }
            return norm;
        }
    }

    /** One update with learning rate {@code lr}; then zeroes the gradients. */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        try (NDManager scope = state.newSubManager()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray p = e.getValue().array();
                NDArray g = grad(e.getValue(), scope);
                if (weightDecay > 0 && p.getShape().dimension() >= 2) p.muli((float) (1 - lr * weightDecay));
                NDArray mi = m.get(e.getKey()).muli(beta1).addi(g.mul(1 - beta1));
                NDArray vi = v.get(e.getKey()).muli(beta2).addi(g.square().muli(1 - beta2));
                // results of ops on the moments would join the moments' long-lived manager: move each to the step scope
                NDArray vHat = Functional.inScope(vi.div((float) bc2), scope);
                NDArray update = Functional.inScope(mi.div(vHat.sqrt().addi(eps)), scope);
                p.subi(update.muli((float) (lr / bc1)));
                g.set(new NDIndex("..."), 0f);
            }
        }
    }

    /** Zeroes every gradient (after a skipped step). */
    public void zeroGrad() {
        try (NDManager scope = state.newSubManager()) {
            for (Parameter p : params.values()) grad(p, scope).set(new NDIndex("..."), 0f);
        }
    }

    private static NDArray grad(Parameter p, NDManager scope) {
        NDArray g = p.array().getGradient();
        g.attach(scope);
        return g;
    }

    /** Moments by name ({@code m.<param>}, {@code v.<param>}) for a checkpoint. */
    public Map<String, HostTensor> stateTensors() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m." + k, HostTensor.of(a)));
        v.forEach((k, a) -> out.put("v." + k, HostTensor.of(a)));
        return out;
    }

    /** Restores moments and the step count written by {@link #stateTensors()}. */
    public void loadState(Map<String, HostTensor> tensors, long stepCount) {
        for (String k : params.keySet()) {
            for (Map.Entry<String, Map<String, NDArray>> slot : Map.of("m.", m, "v.", v).entrySet()) {
                HostTensor t = tensors.get(slot.getKey() + k);
                if (t == null) throw new IllegalArgumentException("optimizer state has no '" + slot.getKey() + k + "'");
                NDArray cur = slot.getValue().get(k);
                try (NDArray src = t.toNDArray(state)) {
                    cur.set(src.reshape(cur.getShape()).toByteBuffer());
                }
            }
        }
        this.step = stepCount;
    }

    @Override
    public void close() {
        state.close();
    }
}
