package dev.infinity.workbench.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.infer.Generation;
import dev.infinity.workbench.infer.GenerationOptions;
import dev.infinity.workbench.infer.InfinityGenerator;
import dev.infinity.workbench.tokenizer.VaeLoader;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code infinity_infer} in forced-bits mode (README "Bits", mode 1): the generator runs with the case's
 * arguments (cfg/tau lists, insertion layer, top-k/top-p, seed) but continues every scale with the golden bits.
 * Checks each scale's logits, that the greedy bit equals the golden bit wherever the golden margin
 * |logit1 - logit0| exceeds 10 x that scale's atol, the summed codes and both images.
 */
public final class InfinityInferRunner implements CaseRunner {
    @Override
    public String kind() { return "infinity_infer"; }

    @Override
    public void run(GoldenCase g, CaseReport report) {
        JsonObject kw = g.json().getAsJsonArray("calls").get(0).getAsJsonObject().getAsJsonObject("kwargs");
        JsonArray layers = kw.getAsJsonArray("cfg_insertion_layer");
        if (layers.size() != 1) throw new UnsupportedOperationException("several cfg insertion layers are not supported");
        ScaleSchedule schedule = InfinityCases.schedule(g);
        try (NDManager manager = NDManager.newBaseManager(Devices.resolve());
             BsqVae vae = VaeLoader.load(g.resolve(g.json().getAsJsonObject("weights").get("vae_file").getAsString()))) {
            Infinity model = InfinityCases.model(g, manager);
            TextCondition text = InfinityCases.text(g, manager);
            List<NDArray> golden = new ArrayList<>();
            for (GoldenCase.TensorSpec s : g.group("bits")) golden.add(g.load(s).toNDArray(manager));
            GenerationOptions o = GenerationOptions.builder()
                    .cfg(doubles(kw.getAsJsonArray("cfg_list"))).tau(doubles(kw.getAsJsonArray("tau_list")))
                    .topK(kw.get("top_k").getAsInt()).topP(kw.get("top_p").getAsDouble())
                    .cfgInsertionLayer(layers.get(0).getAsInt()).seed(kw.get("g_seed").getAsLong())
                    .forcedBits(golden).keepLogits(true).build();
            try (Generation gen = new InfinityGenerator(model, vae).generate(text, schedule, o)) {
                List<GoldenCase.TensorSpec> logitSpecs = g.group("logits");
                for (int si = 0; si < logitSpecs.size(); si++) {
                    GoldenCase.TensorSpec spec = logitSpecs.get(si);
                    HostTensor mine = gen.logits().get(si);
                    report.compare(spec, mine);
                    report.add(greedyBits(si, mine.toFloatArray(), g.load(spec).toFloatArray(), g.load(g.group("bits").get(si)).toLongArray(),
                            10 * spec.tolerance().atol()));
                }
                report.compare("summed_codes", HostTensor.of(gen.summedCodes()));
                report.compare("image_float", HostTensor.of(gen.image()));
                report.compare("image_uint8", gen.imageUint8Bgr());
            }
        }
    }

    /** Greedy bit (logit1 > logit0) of my logits vs the golden bit, wherever the golden margin exceeds {@code margin}. */
    private static Tolerance.Check greedyBits(int si, float[] mine, float[] want, long[] bits, double margin) {
        int checked = 0, wrong = 0;
        for (int j = 0; j < bits.length; j++) {
            if (Math.abs(want[2 * j + 1] - want[2 * j]) <= margin) continue;
            checked++;
            if ((mine[2 * j + 1] > mine[2 * j] ? 1 : 0) != bits[j]) wrong++;
        }
        return Tolerance.Check.fact("greedy_bits." + si, wrong == 0,
                wrong == 0 ? "" : wrong + " of " + checked + " bits with margin > " + margin + " differ from the golden bits");
    }

    private static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
        return out;
    }
}
