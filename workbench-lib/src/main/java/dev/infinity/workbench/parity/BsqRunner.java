package dev.infinity.workbench.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.tokenizer.BinarySphericalQuantizer;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code bsq}: the binary spherical quantizer alone on x (B, d, T=1, H, W): quantized values, bits, and codes
 * from the golden bits. d comes from the input; construct options the quantizer does not implement are an error.
 */
public final class BsqRunner implements CaseRunner {
    @Override
    public String kind() { return "bsq"; }

    @Override
    public void run(GoldenCase golden, CaseReport report) {
        try (NDManager m = NDManager.newBaseManager(Devices.resolve())) {
            NDArray x = withoutT(golden.load("x").toNDArray(m), 2, golden, "x");      // (B, d, H, W)
            int d = Math.toIntExact(x.getShape().get(1));
            requireSupported(golden, "bsq_kwargs", d);
            BinarySphericalQuantizer bsq = new BinarySphericalQuantizer(d);
            BinarySphericalQuantizer.Quantized q = bsq.quantize(x);
            report.compare("quantized", HostTensor.of(q.quantized().expandDims(2)));
            report.compare("bit_indices", HostTensor.of(q.bits().expandDims(1)));
            NDArray goldenBits = withoutT(golden.load("bit_indices").toNDArray(m), 1, golden, "bit_indices"); // (B, H, W, d)
            report.compare("codes_from_bits", HostTensor.of(bsq.codesFromBits(goldenBits).expandDims(2)));
        }
    }

    /**
     * Fails with a clear message when the case was built with an option this quantizer does not implement
     * (projections, layer norm, decay factor, flips, ...); absent fields count as the official defaults.
     */
    static void requireSupported(GoldenCase golden, String kwargsField, int d) {
        JsonObject construct = golden.json().getAsJsonObject("construct");
        if (construct == null || !construct.has(kwargsField)) return;
        JsonObject kw = construct.getAsJsonObject(kwargsField);
        List<String> bad = new ArrayList<>();
        for (String dimKey : List.of("dim", "codebook_dim")) {
            if (has(kw, dimKey) && kw.get(dimKey).getAsInt() != d) bad.add(dimKey + "=" + kw.get(dimKey) + " but the input has " + d + " channels");
        }
        if (has(kw, "codebook_size") && kw.get("codebook_size").getAsLong() != (1L << d)) bad.add("codebook_size=" + kw.get("codebook_size") + " != 2^" + d + " (projections)");
        if (has(kw, "codebook_scale") && Math.abs(kw.get("codebook_scale").getAsDouble() - 1 / Math.sqrt(d)) > 1e-9) bad.add("codebook_scale=" + kw.get("codebook_scale"));
        if (has(kw, "soft_clamp_input_value")) bad.add("soft_clamp_input_value=" + kw.get("soft_clamp_input_value"));
        if (has(kw, "new_quant") && !kw.get("new_quant").getAsBoolean()) bad.add("new_quant=false");
        for (String flag : List.of("preserve_norm", "mask_out", "use_out_phi", "use_out_phi_res", "ln_before_quant", "use_decay_factor", "random_flip", "drop_when_test")) {
            if (has(kw, flag) && kw.get(flag).getAsBoolean()) bad.add(flag + "=true");
        }
        for (String[] mode : new String[][] {{"z_interplote_down", "area"}, {"z_interplote_up", "trilinear"}}) {
            if (has(construct, mode[0]) && !construct.get(mode[0]).getAsString().equals(mode[1])) bad.add(mode[0] + "=" + construct.get(mode[0]));
        }
        if (!bad.isEmpty()) throw new IllegalArgumentException(golden.name() + ": construct options not supported by the Java quantizer: " + bad);
    }

    private static boolean has(JsonObject o, String key) { return o.has(key) && !o.get(key).isJsonNull(); }

    /** Drops the T axis (size 1) of a golden tensor; anything else is a clear error. */
    static NDArray withoutT(NDArray a, int axis, GoldenCase golden, String name) {
        if (a.getShape().dimension() != 5 || a.getShape().get(axis) != 1) {
            throw new IllegalArgumentException(golden.name() + ": '" + name + "' must be 5-D with T = 1 on axis " + axis + ", got " + a.getShape());
        }
        return a.squeeze(axis);
    }
}
