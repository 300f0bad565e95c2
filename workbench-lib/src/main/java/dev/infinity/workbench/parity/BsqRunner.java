package dev.infinity.workbench.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.tokenizer.BinarySphericalQuantizer;

/**
 * {@code bsq}: the binary spherical quantizer alone on x (B, d, T=1, H, W): quantized values, bits, and codes
 * from the golden bits. d comes from the input; the case's codebook scale must be the 1/√d the quantizer uses.
 */
public final class BsqRunner implements CaseRunner {
    @Override
    public String kind() { return "bsq"; }

    @Override
    public void run(GoldenCase golden, CaseReport report) {
        try (NDManager m = NDManager.newBaseManager(Devices.resolve())) {
            NDArray x = withoutT(golden.load("x").toNDArray(m), 2, golden, "x");      // (B, d, H, W)
            int d = Math.toIntExact(x.getShape().get(1));
            checkCodebookScale(golden, d, report);
            BinarySphericalQuantizer bsq = new BinarySphericalQuantizer(d);
            BinarySphericalQuantizer.Quantized q = bsq.quantize(x);
            report.compare("quantized", HostTensor.of(q.quantized().expandDims(2)));
            report.compare("bit_indices", HostTensor.of(q.bits().expandDims(1)));
            NDArray goldenBits = withoutT(golden.load("bit_indices").toNDArray(m), 1, golden, "bit_indices"); // (B, H, W, d)
            report.compare("codes_from_bits", HostTensor.of(bsq.codesFromBits(goldenBits).expandDims(2)));
        }
    }

    private static void checkCodebookScale(GoldenCase golden, int d, CaseReport report) {
        JsonObject construct = golden.json().getAsJsonObject("construct");
        if (construct == null || !construct.has("bsq_kwargs")) return;
        JsonObject kw = construct.getAsJsonObject("bsq_kwargs");
        if (kw.has("codebook_scale") && !kw.get("codebook_scale").isJsonNull()) {
            double s = kw.get("codebook_scale").getAsDouble();
            report.add(Tolerance.Check.fact("codebook_scale = 1/sqrt(d)", Math.abs(s - 1 / Math.sqrt(d)) < 1e-9,
                    "case uses " + s + ", quantizer 1/sqrt(" + d + ")"));
        }
    }

    /** Drops the T axis (size 1) of a golden tensor; anything else is a clear error. */
    static NDArray withoutT(NDArray a, int axis, GoldenCase golden, String name) {
        if (a.getShape().dimension() != 5 || a.getShape().get(axis) != 1) {
            throw new IllegalArgumentException(golden.name() + ": '" + name + "' must be 5-D with T = 1 on axis " + axis + ", got " + a.getShape());
        }
        return a.squeeze(axis);
    }
}
