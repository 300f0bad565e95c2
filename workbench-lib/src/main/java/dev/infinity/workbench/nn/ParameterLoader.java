package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.StateDict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Copies a checkpoint's tensors into a module's parameters by name, like PyTorch's
 * {@code load_state_dict}: reports missing, unexpected and shape-mismatched keys; strict mode fails on any.
 */
public final class ParameterLoader {
    /** What a load did not place. */
    public record Report(List<String> missing, List<String> unexpected, List<String> shapeMismatches, int loaded) {
        public boolean clean() { return missing.isEmpty() && unexpected.isEmpty() && shapeMismatches.isEmpty(); }

        @Override
        public String toString() {
            return "loaded " + loaded + " tensors; missing " + missing + "; unexpected " + unexpected + "; shape mismatches " + shapeMismatches;
        }
    }

    private ParameterLoader() {}

    /**
     * Loads {@code sd} into {@code module}. {@code rename} maps a checkpoint key to the module's name
     * (return null to skip the key silently). Strict mode throws {@link IllegalArgumentException} naming
     * the first problems, before any parameter is changed.
     */
    public static Report load(Module module, StateDict sd, UnaryOperator<String> rename, boolean strict) {
        Map<String, Parameter> params = module.namedParameters();
        Map<String, HostTensor> matched = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, HostTensor> e : sd.tensors().entrySet()) {
            String name = rename == null ? e.getKey() : rename.apply(e.getKey());
            if (name == null) continue;
            Parameter p = params.get(name);
            if (p == null) {
                unexpected.add(e.getKey());
                continue;
            }
            Shape want = p.array().getShape();
            long[] got = e.getValue().shape();
            if (!Arrays.equals(want.getShape(), got) && !(want.size() == 1 && e.getValue().numel() == 1 && got.length == 0)) {
                mismatched.add(e.getKey() + " (checkpoint " + Arrays.toString(got) + ", model " + want + ")");
                continue;
            }
            matched.put(name, e.getValue());
        }
        List<String> missing = new ArrayList<>();
        for (String n : params.keySet()) if (!matched.containsKey(n)) missing.add(n);
        Report report = new Report(missing, unexpected, mismatched, matched.size());
        if (strict && !report.clean()) {
            throw new IllegalArgumentException(sd.source() + ": state dict does not fit the model: "
                    + (mismatched.isEmpty() ? "" : "shape mismatch " + mismatched.get(0) + "; ")
                    + (missing.isEmpty() ? "" : missing.size() + " missing (first: " + missing.get(0) + "); ")
                    + (unexpected.isEmpty() ? "" : unexpected.size() + " unexpected (first: " + unexpected.get(0) + ")"));
        }
        for (Map.Entry<String, HostTensor> e : matched.entrySet()) {
            Parameter p = params.get(e.getKey());
            // every temporary (the host copy, its reshape, a device copy) dies with the scope: one tensor at a time is
            // held twice, never the whole model
            try (NDManager scope = p.array().getManager().newSubManager()) {
                NDArray values = e.getValue().toNDArray(scope).reshape(p.array().getShape());
                p.set(values.toDevice(p.array().getDevice(), false));
            }
        }
        return report;
    }
}
