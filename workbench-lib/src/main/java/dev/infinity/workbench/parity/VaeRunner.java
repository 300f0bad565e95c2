package dev.infinity.workbench.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.Encoder;
import dev.infinity.workbench.tokenizer.MultiScaleCode;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.tokenizer.VaeConfig;
import dev.infinity.workbench.tokenizer.VaeLoader;

import java.util.List;

/**
 * Golden kind {@code vae}: the BSQ-VAE built from {@code construct.autoencoder_args}, weights from
 * {@code weights.file}, schedule from {@code scale_schedule}; encode, quantize, decode and decode-from-bits.
 * The official tensors keep a unit T axis (B, d, 1, h, w) / (B, 1, h, w, d); ours drop it, so it is re-inserted.
 */
public final class VaeRunner implements CaseRunner {
    @Override
    public String kind() { return "vae"; }

    @Override
    public void run(GoldenCase golden, CaseReport report) {
        VaeConfig cfg = VaeConfig.fromOfficialArgs(golden.json().getAsJsonObject("construct").getAsJsonObject("autoencoder_args"));
        ScaleSchedule schedule = ScaleSchedule.fromTriples(triples(golden.json().getAsJsonArray("scale_schedule")));
        String weights = golden.json().getAsJsonObject("weights").get("file").getAsString();
        try (BsqVae vae = VaeLoader.load(golden.resolve(weights), cfg); NDManager m = vae.manager().newSubManager()) {
            Encoder.Features f = vae.encoder.features(golden.load("image").toNDArray(m));
            compareIfPresent(golden, report, "h", f.h());
            compareIfPresent(golden, report, "encoder_mid_out", f.mid());
            MultiScaleCode code = vae.quantize(f.h(), schedule);
            compareIfPresent(golden, report, "z", code.quantized());
            compareGroup(golden, report, "bit_indices", code.bits(), 1);
            compareGroup(golden, report, "var_input", code.varInputs(), 2);
            compareGroup(golden, report, "quantizer_inputs", code.quantizerInputs(), 2);
            compareIfPresent(golden, report, "recon", vae.decode(code.quantized()));
            NDArray summed = vae.quantizer.decode(code.bits(), schedule);
            compareIfPresent(golden, report, "summed_codes_from_bits", withUnitT(summed, 2));
            if (golden.find("recon_from_bits").isPresent()) report.compare("recon_from_bits", HostTensor.of(vae.decode(summed)));
        }
    }

    private static void compareIfPresent(GoldenCase golden, CaseReport report, String name, NDArray got) {
        golden.find(name).ifPresent(spec -> report.compare(spec, HostTensor.of(got)));
    }

    /** Compares our per-scale tensors with a golden group; {@code tAxis} is where the official unit T axis sits. */
    private static void compareGroup(GoldenCase golden, CaseReport report, String group, List<NDArray> ours, int tAxis) {
        List<GoldenCase.TensorSpec> specs = golden.group(group);
        if (specs.size() != ours.size()) {
            report.add(Tolerance.Check.fact(group, false, "golden has " + specs.size() + " scales, computed " + ours.size()));
            return;
        }
        for (int i = 0; i < specs.size(); i++) report.compare(specs.get(i), HostTensor.of(withUnitT(ours.get(i), tAxis)));
    }

    private static NDArray withUnitT(NDArray x, int axis) {
        return x.expandDims(axis);
    }

    private static int[][] triples(JsonArray a) {
        int[][] out = new int[a.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonArray t = a.get(i).getAsJsonArray();
            out[i] = new int[t.size()];
            for (int j = 0; j < out[i].length; j++) out[i][j] = t.get(j).getAsInt();
        }
        return out;
    }
}
