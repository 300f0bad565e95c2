package dev.infinity.workbench.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.parity.GoldenCase.TensorSpec;
import dev.infinity.workbench.tokenizer.BitwiseSelfCorrection;
import dev.infinity.workbench.tokenizer.MultiScaleCode;
import dev.infinity.workbench.tokenizer.MultiScaleQuantizer;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code multiscale_bsq}: the residual quantizer on x (B, d, T=1, H, W) along the case's schedule: summed latent,
 * per-scale bits, var_inputs and residuals; the decoder input from the golden bits; the training inputs/targets
 * of BSC without flipping; the inference next-scale inputs from the golden bits.
 */
public final class MultiScaleBsqRunner implements CaseRunner {
    @Override
    public String kind() { return "multiscale_bsq"; }

    @Override
    public void run(GoldenCase golden, CaseReport report) {
        ScaleSchedule schedule = schedule(golden);
        try (NDManager m = NDManager.newBaseManager(Devices.resolve())) {
            NDArray x = BsqRunner.withoutT(golden.load("x").toNDArray(m), 2, golden, "x");   // (B, d, H, W)
            int d = Math.toIntExact(x.getShape().get(1));
            BsqRunner.requireSupported(golden, "multiscale_kwargs", d);
            MultiScaleQuantizer quantizer = new MultiScaleQuantizer(d);

            MultiScaleCode code = quantizer.encode(x, schedule);
            report.compare("quantized_out", HostTensor.of(code.quantized()));
            compareGroup(golden, report, "bit_indices", code.bits(), 1);
            compareGroup(golden, report, "var_inputs", code.varInputs(), 2);
            compareGroup(golden, report, "quantizer_inputs", code.quantizerInputs(), 2);

            List<NDArray> goldenBits = new ArrayList<>();                                    // (B, h, w, d) each
            for (TensorSpec s : golden.group("bit_indices")) {
                goldenBits.add(BsqRunner.withoutT(golden.load(s).toNDArray(m), 1, golden, s.name()));
            }
            report.compare("summed_codes_from_bits", HostTensor.of(quantizer.decode(goldenBits, schedule).expandDims(2)));

            BitwiseSelfCorrection.Result train = BitwiseSelfCorrection.builder(quantizer).build().apply(x, schedule, new Random(0));
            report.compare("train_x_BLC_wo_prefix", HostTensor.of(train.inputs()));
            compareGroup(golden, report, "train_gt_bits", train.gtBits(), -1);

            List<NDArray> next = new ArrayList<>();
            NDArray summed = null;
            for (int si = 0; si < schedule.size() - 1; si++) {
                summed = quantizer.accumulate(summed, goldenBits.get(si), schedule.last());
                next.add(quantizer.nextScaleInput(summed, schedule.get(si + 1)));
            }
            compareGroup(golden, report, "infer_next_scale_inputs", next, -1);
        }
    }

    /** The case's (t, h, w) schedule; t must be 1. */
    static ScaleSchedule schedule(GoldenCase golden) {
        JsonArray a = golden.json().getAsJsonArray("scale_schedule");
        if (a == null) throw new IllegalArgumentException(golden.name() + ": case.json has no scale_schedule");
        int[][] thw = new int[a.size()][];
        int i = 0;
        for (JsonElement e : a) {
            JsonArray t = e.getAsJsonArray();
            thw[i++] = new int[] {t.get(0).getAsInt(), t.get(1).getAsInt(), t.get(2).getAsInt()};
        }
        return ScaleSchedule.fromTriples(thw);
    }

    /** Compares every member of a per-scale group; {@code tAxis >= 0} re-inserts the golden T axis there. */
    static void compareGroup(GoldenCase golden, CaseReport report, String group, List<NDArray> got, int tAxis) {
        List<TensorSpec> specs = golden.group(group);
        if (specs.size() != got.size()) {
            report.add(Tolerance.Check.fact(group, false, "computed " + got.size() + " tensors, golden has " + specs.size()));
            return;
        }
        for (TensorSpec s : specs) {
            NDArray a = got.get(s.index());
            report.compare(s, HostTensor.of(tAxis >= 0 ? a.expandDims(tAxis) : a));
        }
    }
}
