package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;

/** A named tensor of a module: a learnable weight, or a buffer saved with the state dict but never trained. */
public final class Parameter {
    private final String name;
    private final boolean learnable;
    private NDArray array;

    Parameter(String name, NDArray array, boolean learnable) {
        this.name = name;
        this.array = array;
        this.learnable = learnable;
    }

    /** The local name inside its module ({@code weight}, {@code bias}, ...). */
    public String name() { return name; }
    public boolean learnable() { return learnable; }
    public NDArray array() { return array; }

    /** Replaces the values, keeping this parameter's manager; the new array must have the same shape. */
    public void set(NDArray values) {
        if (!values.getShape().equals(array.getShape())) {
            throw new IllegalArgumentException("parameter '" + name + "' has shape " + array.getShape() + ", got " + values.getShape());
        }
        NDArray old = array;
        boolean grad = old.hasGradient();
        // always a copy, moved to this parameter's manager: values stay with their owner
        NDArray fresh = values.getDataType() == old.getDataType() ? values.duplicate() : values.toType(old.getDataType(), false);
        fresh.attach(old.getManager());
        array = fresh;
        if (grad) array.setRequiresGradient(true);
        old.close();
    }

    /** Turns gradient recording on or off (only for learnable parameters). */
    public void setRequiresGradient(boolean on) {
        if (learnable && on != array.hasGradient()) array.setRequiresGradient(on);
    }

    /** Converts the values to another dtype in place (for {@link Module#castTo}). */
    void cast(ai.djl.ndarray.types.DataType dtype) {
        if (array.getDataType() == dtype) return;
        NDArray old = array;
        array = old.toType(dtype, true);
        array.attach(old.getManager());
        old.close();
    }
}
