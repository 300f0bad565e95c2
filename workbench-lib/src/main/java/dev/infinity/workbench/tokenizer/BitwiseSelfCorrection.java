package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Bitwise self-correction (BSC, the paper's Sec. 3.3; official {@code BitwiseSelfCorrection.flip_requant}):
 * builds the transformer's teacher-forcing inputs from a <em>corrupted</em> bit path, so the model learns to
 * correct its own mistakes.
 *
 * <p>Scale by scale: quantize the residual {@code area(z - cum)} to get the target
 * bits; on the first {@code noiseApplyLayers} scales draw a strength uniformly from {0, 0.01, ..., noiseApplyStrength}
 * (one draw per scale, shared by the batch, as the official {@code np.random.randint(0, 100*s+1) * 0.01}) and flip
 * each bit with that probability; the running sum {@code cum} then continues from the flipped codes (requant), so
 * later scales' targets re-quantize what the corruption left. Returns the inputs (bilinear of {@code cum} to each
 * next scale) and the target bits.
 */
public final class BitwiseSelfCorrection {
    /**
     * @param inputs    (B, L - first, d) teacher-forcing inputs of scales 1..n-1 from the corrupted path
     * @param gtBits    per scale (B, h*w, d) int32: the re-quantized targets (before flipping)
     * @param predBits  per scale (B, h, w, d) int32: the bits the inputs were built from (flipped on noisy scales)
     * @param strengths per noisy scale, the flip probability drawn
     */
    public record Result(NDArray inputs, List<NDArray> gtBits, List<NDArray> predBits, double[] strengths) {}

    private final MultiScaleQuantizer quantizer;
    private final int noiseApplyLayers;
    private final double noiseApplyStrength;
    private final boolean requant;

    private BitwiseSelfCorrection(Builder b) {
        if (b.noiseApplyLayers < 0) throw new IllegalArgumentException("noiseApplyLayers must be >= 0, got " + b.noiseApplyLayers);
        if (b.noiseApplyStrength < 0 || b.noiseApplyStrength > 1) {
            throw new IllegalArgumentException("noiseApplyStrength must be in [0, 1], got " + b.noiseApplyStrength);
        }
        this.quantizer = b.quantizer;
        this.noiseApplyLayers = b.noiseApplyLayers;
        this.noiseApplyStrength = b.noiseApplyStrength;
        this.requant = b.requant;
    }

    public static Builder builder(MultiScaleQuantizer quantizer) { return new Builder(quantizer); }

    /** Runs BSC on a clean latent z (B, d, H, W) whose size is the schedule's last scale; draws come from rng. */
    public Result apply(NDArray z, ScaleSchedule schedule, Random rng) {
        Shape shape = z.getShape();
        ScaleSchedule.Scale last = schedule.last();
        if (shape.dimension() != 4 || shape.get(1) != quantizer.dim() || shape.get(2) != last.h() || shape.get(3) != last.w()) {
            throw new IllegalArgumentException("BSC latent must be (B, " + quantizer.dim() + ", " + last.h() + ", " + last.w()
                    + ") (the schedule's last scale), got " + shape);
        }
        BinarySphericalQuantizer bsq = quantizer.bsq();
        List<NDArray> gt = new ArrayList<>(), pred = new ArrayList<>();
        NDList inputs = new NDList();
        double[] strengths = new double[Math.min(noiseApplyLayers, schedule.size())];
        NDArray cum = null;
        for (int si = 0; si < schedule.size(); si++) {
            ScaleSchedule.Scale s = schedule.get(si);
            NDArray residual = Resample.area(cum == null ? z : z.sub(cum), s); // no-op at the last scale
            NDArray bits = bsq.quantize(residual).bits();                     // (B, h, w, d) int32
            gt.add(bits.reshape(shape.get(0), (long) s.tokens(), quantizer.dim()));
            NDArray used = bits;
            if (si < noiseApplyLayers) {
                strengths[si] = drawStrength(rng);
                NDArray flipped = flip(bits, strengths[si], rng);
                pred.add(flipped);
                if (requant) used = flipped;
            } else {
                pred.add(bits);
            }
            cum = quantizer.accumulate(cum, used, last);
            if (si < schedule.size() - 1) inputs.add(quantizer.nextScaleInput(cum, schedule.get(si + 1)));
        }
        NDArray x = inputs.isEmpty() ? z.getManager().zeros(new Shape(shape.get(0), 0, quantizer.dim())) : NDArrays.concat(inputs, 1);
        return new Result(x, gt, pred, strengths);
    }

    /** One of {0, 0.01, ..., floor(100 s) / 100}: numpy's randint(0, 100 s + 1) truncates its float bound. */
    private double drawStrength(Random rng) {
        return rng.nextInt((int) Math.floor(100 * noiseApplyStrength + 1)) * 0.01;
    }

    /** Flips each bit independently with probability p (on the host: deterministic from rng). */
    private static NDArray flip(NDArray bits, double p, Random rng) {
        int[] v = bits.toType(DataType.INT32, false).toIntArray();
        for (int i = 0; i < v.length; i++) if (rng.nextFloat() < p) v[i] = 1 - v[i];
        return bits.getManager().create(v, bits.getShape());
    }

    /** Builder: no noise by default (then the inputs are the clean teacher-forcing inputs). */
    public static final class Builder {
        private final MultiScaleQuantizer quantizer;
        private int noiseApplyLayers = 0;
        private double noiseApplyStrength = 0;
        private boolean requant = true;

        private Builder(MultiScaleQuantizer quantizer) { this.quantizer = quantizer; }

        /** How many of the first scales get flipped bits (official {@code noise_apply_layers}). */
        public Builder noiseApplyLayers(int n) { noiseApplyLayers = n; return this; }
        /** The maximal flip probability (official {@code noise_apply_strength}). */
        public Builder noiseApplyStrength(double s) { noiseApplyStrength = s; return this; }
        /** Continue from the flipped codes (official {@code noise_apply_requant}, default on); off, flips do not reach the inputs. */
        public Builder requant(boolean r) { requant = r; return this; }
        public BitwiseSelfCorrection build() { return new BitwiseSelfCorrection(this); }
    }
}
