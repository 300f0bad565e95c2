package dev.infinity.workbench.infer;

import ai.djl.ndarray.NDArray;
import dev.infinity.workbench.text.TextCondition;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Settings of {@link InfinityGenerator#generate}: the arguments of the official {@code autoregressive_infer_cfg}
 * as {@code gen_one_img} passes them. Defaults: cfg 3, tau 1, top-k 900, top-p 0.97, guidance on logits, seed 0,
 * KV cache on.
 *
 * @param cfg               guidance scale per scale; one value applies to every scale; a list must cover the schedule
 * @param tau               temperature per scale (same rule)
 * @param topK              top-k per bit (0 = off)
 * @param topP              top-p per bit (0 = off)
 * @param cfgInsertionLayer 0: guidance on the logits; -k: on the output of block depth-k (both halves)
 * @param seed              sampling seed
 * @param negative          negative prompt(s) replacing the unconditional text (one per prompt, or one for all)
 * @param forcedBits        per scale (B, 1, h, w, d) or (B, h, w, d) bits in tokenizer cells (with spatial patchify
 *                          (B, 1, 2h, 2w, d)) to continue with instead of sampling
 *                          (the official {@code gt_leak = scales}, {@code gt_ls_Bl}); null = sample
 * @param kvCache           reuse keys/values of earlier scales (off: recompute the whole prefix every scale)
 * @param keepLogits        return each scale's (B, l, 2d) logits (guided, divided by tau, before masking)
 * @param decode            decode the summed codes to an image with the tokenizer
 * @param method            how a masked row is sampled
 * @param progress          called after every scale
 */
public record GenerationOptions(double[] cfg, double[] tau, int topK, double topP, int cfgInsertionLayer, long seed,
                                TextCondition negative, List<NDArray> forcedBits, boolean kvCache, boolean keepLogits,
                                boolean decode, Sampler.Method method, Consumer<ScaleReport> progress) {

    /** Progress of one scale: index, size, seconds spent in the transformer (incl. sampling) for it. */
    public record ScaleReport(int index, int scales, int h, int w, double seconds) {}

    /** The value of a per-scale list for {@code scales} scales: a single value is repeated; a short list is an error. */
    static double[] perScale(double[] values, int scales, String what) {
        if (values.length == 1) {
            double[] out = new double[scales];
            Arrays.fill(out, values[0]);
            return out;
        }
        if (values.length < scales) {
            throw new IllegalArgumentException(what + " list has " + values.length + " values but the schedule has " + scales + " scales");
        }
        return values;
    }

    public static Builder builder() { return new Builder(); }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.cfg = cfg; b.tau = tau; b.topK = topK; b.topP = topP; b.cfgInsertionLayer = cfgInsertionLayer; b.seed = seed;
        b.negative = negative; b.forcedBits = forcedBits; b.kvCache = kvCache; b.keepLogits = keepLogits; b.decode = decode;
        b.method = method; b.progress = progress;
        return b;
    }

    public static final class Builder {
        private double[] cfg = {3}, tau = {1};
        private int topK = 900, cfgInsertionLayer = 0;
        private double topP = 0.97;
        private long seed = 0;
        private TextCondition negative;
        private List<NDArray> forcedBits;
        private boolean kvCache = true, keepLogits = false, decode = true;
        private Sampler.Method method = Sampler.Method.INVERSE_CDF;
        private Consumer<ScaleReport> progress;

        public Builder cfg(double... v) { cfg = v.clone(); return this; }
        public Builder tau(double... v) { tau = v.clone(); return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder cfgInsertionLayer(int v) { cfgInsertionLayer = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder negative(TextCondition v) { negative = v; return this; }
        public Builder forcedBits(List<NDArray> v) { forcedBits = v; return this; }
        public Builder kvCache(boolean v) { kvCache = v; return this; }
        public Builder keepLogits(boolean v) { keepLogits = v; return this; }
        public Builder decode(boolean v) { decode = v; return this; }
        public Builder method(Sampler.Method v) { method = v; return this; }
        public Builder progress(Consumer<ScaleReport> v) { progress = v; return this; }

        public GenerationOptions build() {
            if (cfg.length == 0 || tau.length == 0) throw new IllegalArgumentException("cfg and tau need at least one value");
            if (cfgInsertionLayer > 0) throw new IllegalArgumentException("cfg insertion layer must be 0 (logits) or -k (block output), got " + cfgInsertionLayer);
            for (double t : tau) if (!(t > 0)) throw new IllegalArgumentException("tau must be positive, got " + t);
            return new GenerationOptions(cfg, tau, topK, topP, cfgInsertionLayer, seed, negative, forcedBits, kvCache, keepLogits, decode, method, progress);
        }
    }
}
