package dev.infinity.workbench.parity;

import com.google.gson.JsonObject;
import dev.infinity.workbench.infer.Sampler;
import dev.infinity.workbench.io.HostTensor;

/**
 * {@code sampling}: top-k / top-p masking of the sampler on the case's logits (compared exactly, -inf
 * positions included), and the drawn index where the case stores one (rows with a single survivor).
 */
public final class SamplingRunner implements CaseRunner {
    @Override
    public String kind() { return "sampling"; }

    @Override
    public void run(GoldenCase g, CaseReport report) {
        JsonObject call = g.json().getAsJsonArray("calls").get(0).getAsJsonObject();
        int topK = call.get("top_k").getAsInt();
        double topP = call.get("top_p").getAsDouble();
        HostTensor in = g.load("logits");
        long[] shape = in.shape();
        int v = (int) shape[shape.length - 1];
        float[] logits = in.toFloatArray();
        int[] drawn = new Sampler(topK, topP, 0).sample(logits, v);
        report.compare("masked_logits", HostTensor.of(logits, shape));
        if (g.find("sample").isPresent()) {
            long[] idx = new long[drawn.length];
            for (int i = 0; i < idx.length; i++) idx[i] = drawn[i];
            long[] s = shape.clone();
            s[s.length - 1] = 1;
            report.compare("sample", HostTensor.of(idx, s));
        }
    }
}
