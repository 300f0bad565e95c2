package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A building block with named parameters and child modules, in the style of {@code torch.nn.Module}:
 * the dotted names of {@link #namedParameters()} are the checkpoint keys, so official state dicts load
 * 1:1. Forward passes are plain Java methods over NDArrays.
 */
public abstract class Module {
    protected final NDManager manager;
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    protected Module(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() { return manager; }

    /** Registers a learnable parameter initialised with {@code init}. */
    protected Parameter param(String name, NDArray init) {
        init.attach(manager);
        Parameter p = new Parameter(name, init, true);
        params.put(name, p);
        return p;
    }

    /** Registers a non-learnable tensor that is part of the state dict (a buffer such as {@code zero_k_bias}). */
    protected Parameter buffer(String name, NDArray value) {
        value.attach(manager);
        Parameter p = new Parameter(name, value, false);
        params.put(name, p);
        return p;
    }

    /** Registers a child; its parameters appear as {@code name.<child param>}. */
    protected <M extends Module> M child(String name, M module) {
        children.put(name, module);
        return module;
    }

    /** Every parameter and buffer, recursively, by dotted name, in registration order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        params.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collect(prefix + n + ".", out));
    }

    /** Number of learnable parameters (elements). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) if (p.learnable()) n += p.array().getShape().size();
        return n;
    }

    /** Enables or disables gradient recording on every learnable parameter. */
    public void setTrainable(boolean on) {
        namedParameters().values().forEach(p -> p.setRequiresGradient(on));
    }

    /** Truncated normal(0, std) initialisation (|x| <= 2 std), the usual transformer init. */
    protected NDArray truncNormal(Shape shape, float std) {
        return manager.truncatedNormal(0f, std, shape, ai.djl.ndarray.types.DataType.FLOAT32);
    }

    /** Converts every floating-point parameter and buffer to {@code dtype} (like {@code module.to(dtype)}). */
    public void castTo(ai.djl.ndarray.types.DataType dtype) {
        for (Parameter p : namedParameters().values()) if (p.array().getDataType().isFloating()) p.cast(dtype);
    }
}
