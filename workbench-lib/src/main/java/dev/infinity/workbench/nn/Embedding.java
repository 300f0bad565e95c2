package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/** A lookup table {@code weight} (count, dim): row i is the vector of id i, as {@code torch.nn.Embedding}. */
public class Embedding extends Module {
    public final Parameter weight;

    /** Rows initialised from normal(0, std). */
    public Embedding(NDManager manager, long count, long dim, float std) {
        super(manager);
        this.weight = param("weight", manager.randomNormal(0f, std, new Shape(count, dim), ai.djl.ndarray.types.DataType.FLOAT32));
    }

    /** ids (...) int64 → (..., dim); differentiable with respect to the table. */
    public NDArray forward(NDArray ids) {
        Shape s = ids.getShape();
        NDArray flat = ids.reshape(-1);
        NDArray rows = weight.array().get(new NDIndex("{}", flat));
        rows.attach(ids.getManager()); // results live in the caller's scope, not the model's manager
        return rows.reshape(s.addAll(new Shape(weight.array().getShape().get(1))));
    }
}
