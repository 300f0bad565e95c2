package dev.infinity.workbench.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.Rope2d;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code infinity_forward}: the teacher-forced forward of the official transformer on the case's weights and
 * inputs; compares the logits and every transformer intermediate the case stores (text side, embeddings,
 * block inputs/outputs, RoPE table). Tokenizer-side intermediates and the non-official no-bf16 variant are skipped.
 */
public final class InfinityForwardRunner implements CaseRunner {
    @Override
    public String kind() { return "infinity_forward"; }

    @Override
    public void run(GoldenCase g, CaseReport report) {
        try (NDManager manager = NDManager.newBaseManager(Devices.resolve())) {
            Infinity model = InfinityCases.model(g, manager);
            ScaleSchedule schedule = InfinityCases.schedule(g);
            TextCondition text = InfinityCases.text(g, manager);
            NDArray x = g.load("x_BLC_wo_prefix").toNDArray(manager);
            Map<String, NDArray> trace = new HashMap<>();
            NDArray logits = model.forward(text, x, schedule, trace);
            report.compare("logits", HostTensor.of(logits));
            for (GoldenCase.TensorSpec spec : g.intermediates()) {
                NDArray got = trace.get(spec.name());
                if (got != null) report.compare(spec, HostTensor.of(got));
            }
            if (g.find("rope_cache").isPresent()) report.compare("rope_cache", ropeCache(model.rope(schedule)));
        }
    }

    /** (2, L, hd/2): cos then sin. */
    private static HostTensor ropeCache(Rope2d.Table t) {
        float[] both = new float[t.cos().length * 2];
        System.arraycopy(t.cos(), 0, both, 0, t.cos().length);
        System.arraycopy(t.sin(), 0, both, t.cos().length, t.sin().length);
        return HostTensor.of(both, 2, t.length(), t.halfDim());
    }
}
