package dev.infinity.workbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;

/** Exponential moving average of weights: {@code ema = decay * ema + (1 - decay) * p} after every step (official {@code ema_update}). */
public final class Ema implements AutoCloseable {
    private final Map<String, Parameter> params;
    private final Map<String, NDArray> shadow = new LinkedHashMap<>();
    private final NDManager manager;
    private final float decay;

    public Ema(Map<String, Parameter> params, double decay, NDManager parent) {
        this.params = params;
        this.decay = (float) decay;
        this.manager = parent.newSubManager();
        params.forEach((k, p) -> shadow.put(k, p.array().duplicate()));
        shadow.values().forEach(a -> a.attach(manager));
    }

    public void update() {
        try (NDManager scope = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : shadow.entrySet()) {
                NDArray p = params.get(e.getKey()).array();
                NDArray blend = p.mul(1 - decay);     // outside any gradient graph: scalar ops are safe here
                blend.attach(scope);
                e.getValue().muli(decay).addi(blend);
            }
        }
    }

    public Map<String, HostTensor> tensors() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        shadow.forEach((k, a) -> out.put(k, HostTensor.of(a)));
        return out;
    }

    public void load(Map<String, HostTensor> tensors) {
        for (Map.Entry<String, NDArray> e : shadow.entrySet()) {
            HostTensor t = tensors.get(e.getKey());
            if (t == null) throw new IllegalArgumentException("EMA state has no '" + e.getKey() + "'");
            try (NDArray src = t.toNDArray(manager)) {
                e.getValue().set(src.reshape(e.getValue().getShape()).toByteBuffer());
            }
        }
    }

    @Override
    public void close() { manager.close(); }
}
