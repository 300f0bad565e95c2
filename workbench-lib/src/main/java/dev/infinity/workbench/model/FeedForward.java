package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.nn.Linear;
import dev.infinity.workbench.nn.Module;

/** The block's MLP: {@code fc2(GELU_tanh(fc1(x)))}, or SwiGLU {@code fc2(SiLU(fcg(x)) * fc1(x))} without biases. */
public final class FeedForward extends Module {
    final Linear fcg, fc1, fc2;

    FeedForward(NDManager manager, int embedDim, int hidden, boolean swiglu) {
        super(manager);
        fcg = swiglu ? child("fcg", new Linear(manager, embedDim, hidden, false)) : null;
        fc1 = child("fc1", new Linear(manager, embedDim, hidden, !swiglu));
        fc2 = child("fc2", new Linear(manager, hidden, embedDim, !swiglu));
    }

    NDArray forward(NDArray x) {
        if (fcg != null) return fc2.forward(Functional.mulOwned(Functional.silu(fcg.forward(x)), fc1.forward(x)));
        return fc2.forward(Functional.geluTanh(fc1.forward(x)));
    }
}
