package dev.infinity.workbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

/**
 * The bitwise training loss of Infinity (official {@code use_bit_label}, {@code bitloss_type='mean'}): the logits
 * (B, L, 2d) are read as d two-way classifiers per token; cross-entropy per bit (with optional label smoothing,
 * PyTorch semantics), mean over the d bits, then a weighted sum over tokens — uniform 1/L, or with
 * {@code reweight_loss_by_scale} sqrt(area of the last scale / area of the token's scale) normalised to sum 1 —
 * and the mean over the batch.
 */
public final class BitLoss {
    private final ScaleSchedule schedule;
    private final double smoothing;
    private final float[] tokenWeights;

    public BitLoss(ScaleSchedule schedule, double labelSmoothing, boolean reweightByScale) {
        this.schedule = schedule;
        this.smoothing = labelSmoothing;
        this.tokenWeights = tokenWeights(schedule, reweightByScale);
    }

    /** Per-token weights (length L, sum 1). */
    public static float[] tokenWeights(ScaleSchedule schedule, boolean reweightByScale) {
        int total = schedule.tokens();
        float[] w = new float[total];
        double lastArea = Math.sqrt((double) schedule.last().tokens()), sum = 0;
        double[] raw = new double[total];
        int k = 0;
        for (ScaleSchedule.Scale s : schedule) {
            double v = reweightByScale ? lastArea / Math.sqrt((double) s.tokens()) : 1.0;
            for (int i = 0; i < s.tokens(); i++) { raw[k++] = v; sum += v; }
        }
        for (int i = 0; i < total; i++) w[i] = (float) (raw[i] / sum);
        return w;
    }

    /** Loss terms of one forward pass, all on the step's manager. */
    public record Terms(NDArray loss, NDArray perBit, NDArray logits, int[] gt) {}

    /**
     * @param logits (B, L, 2d), pairs (logit of 0, logit of 1) per bit
     * @param gt     target bits, B*L*d in (b, token, bit) order, each 0 or 1
     */
    public Terms compute(NDArray logits, int[] gt, NDManager scope) {
        Shape s = logits.getShape();
        long b = s.get(0), l = s.get(1), d = s.get(2) / 2;
        if (l != schedule.tokens()) throw new IllegalArgumentException("logits have " + l + " tokens, the schedule " + schedule.tokens());
        if (gt.length != b * l * d) throw new IllegalArgumentException(gt.length + " target bits for logits " + s);
        // smoothed one-hot targets (B, L, d, 2): the PyTorch label-smoothed cross-entropy is -sum_c t_c log p_c
        float on = (float) (1 - smoothing + smoothing / 2), off = (float) (smoothing / 2);
        float[] t = new float[gt.length * 2];
        for (int i = 0; i < gt.length; i++) {
            t[2 * i + gt[i]] = on;
            t[2 * i + 1 - gt[i]] = off;
        }
        NDArray target = scope.create(t, new Shape(b, l, d, 2));
        NDArray logp = logits.reshape(b, l, d, 2).logSoftmax(-1);
        NDArray perBit = logp.mul(target).sum(new int[] {-1}).neg();                 // (B, L, d)
        NDArray weights = scope.create(tokenWeights, new Shape(1, l));               // constant kept until backward
        NDArray loss = perBit.mean(new int[] {-1}).mul(weights).sum(new int[] {-1}).mean();
        return new Terms(loss, perBit, logits, gt);
    }

    /**
     * Metrics as the official trainer logs them: unweighted mean loss per token, bit accuracy, token accuracy
     * (all d bits right), overall and per scale; accuracies in [0, 1].
     */
    public record Metrics(double loss, double bitAcc, double tokenAcc, double[] scaleLoss, double[] scaleBitAcc, double[] scaleTokenAcc) {}

    public Metrics metrics(Terms terms) {
        float[] perBit = terms.perBit().toFloatArray();
        float[] logits = terms.logits().toFloatArray();
        int[] gt = terms.gt();
        int n = schedule.size(), total = schedule.tokens();
        int d = (int) (terms.logits().getShape().get(2) / 2), b = gt.length / (total * d);
        double[] sl = new double[n], sb = new double[n], st = new double[n];
        double loss = 0, bits = 0, tokens = 0;
        for (int bi = 0; bi < b; bi++) {
            int tok = 0;
            for (int si = 0; si < n; si++) {
                for (int k = 0; k < schedule.get(si).tokens(); k++, tok++) {
                    int base = (bi * total + tok) * d;
                    double l = 0;
                    int right = 0;
                    for (int j = 0; j < d; j++) {
                        l += perBit[base + j];
                        int pred = logits[2 * (base + j) + 1] > logits[2 * (base + j)] ? 1 : 0;   // argmax, first on ties
                        if (pred == gt[base + j]) right++;
                    }
                    sl[si] += l / d;
                    sb[si] += (double) right / d;
                    st[si] += right == d ? 1 : 0;
                }
            }
        }
        for (int si = 0; si < n; si++) {
            double count = (double) b * schedule.get(si).tokens();
            loss += sl[si];
            bits += sb[si];
            tokens += st[si];
            sl[si] /= count;
            sb[si] /= count;
            st[si] /= count;
        }
        double count = (double) b * total;
        return new Metrics(loss / count, bits / count, tokens / count, sl, sb, st);
    }
}
