package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** GELU, tanh approximation, as a module (see {@link Functional#geluTanh}). */
public class GeluTanh extends Module {
    public GeluTanh(NDManager manager) {
        super(manager);
    }

    public NDArray forward(NDArray x) {
        return Functional.geluTanh(x);
    }
}
