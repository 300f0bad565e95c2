package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * The multi-scale residual quantizer of Infinity's tokenizer (official {@code MultiScaleBSQ}, T = 1): each scale
 * quantizes the area-downsampled residual with BSQ, upsamples the code bilinearly to the latent size and
 * subtracts it, so the latent is the sum of all scales' upsampled codes.
 *
 * <p>Also builds what the transformer consumes: the decoder input from bits ({@link #decode}) and the
 * next-scale inputs (bilinear of the running sum of upsampled codes, {@link #teacherForcingInputs},
 * {@link #nextScaleInput}). Note the official asymmetry: {@code varInputs} use area, the transformer inputs bilinear.
 */
public final class MultiScaleQuantizer {
    private final BinarySphericalQuantizer bsq;

    public MultiScaleQuantizer(BinarySphericalQuantizer bsq) { this.bsq = bsq; }

    /** With an official-default BSQ of codebook dimension d. */
    public MultiScaleQuantizer(int dim) { this(new BinarySphericalQuantizer(dim)); }

    public BinarySphericalQuantizer bsq() { return bsq; }
    public int dim() { return bsq.dim(); }

    /** Quantizes a latent z (B, d, H, W) along the schedule (residual quantization, coarse to fine). */
    public MultiScaleCode encode(NDArray z, ScaleSchedule schedule) {
        Shape shape = z.getShape();
        if (shape.dimension() != 4 || shape.get(1) != dim()) {
            throw new IllegalArgumentException("latent must be (B, " + dim() + ", H, W), got shape " + shape);
        }
        int fullH = Math.toIntExact(shape.get(2)), fullW = Math.toIntExact(shape.get(3));
        List<NDArray> bits = new ArrayList<>(), varInputs = new ArrayList<>(), inputs = new ArrayList<>();
        List<BinarySphericalQuantizer.Quantized> perScale = new ArrayList<>();
        NDArray residual = z, sum = null;
        for (int si = 0; si < schedule.size(); si++) {
            ScaleSchedule.Scale s = schedule.get(si);
            NDArray r = Resample.area(residual, s);                        // (B, d, h, w); no-op at full size
            BinarySphericalQuantizer.Quantized q = bsq.quantize(r);
            NDArray up = Resample.bilinear(q.quantized(), fullH, fullW);   // (B, d, H, W)
            residual = residual.sub(up.stopGradient());
            sum = sum == null ? up : sum.add(up);
            if (si < schedule.size() - 1) varInputs.add(Resample.area(sum, schedule.get(si + 1)));
            inputs.add(r);
            bits.add(q.bits());
            perScale.add(q);
        }
        return new MultiScaleCode(sum, bits, varInputs, inputs, perScale, schedule);
    }

    /** The training auxiliary loss of an encoding: the official per-scale BSQ losses, averaged over scales. */
    public NDArray auxLoss(MultiScaleCode code) {
        NDList totals = new NDList();
        for (BinarySphericalQuantizer.Quantized q : code.perScale()) totals.add(bsq.auxLoss(q).total());
        return NDArrays.stack(totals).mean();
    }

    /** The decoder input from per-scale bits (B, h, w, d): sum of codes upsampled to the last scale, (B, d, H, W). */
    public NDArray decode(List<NDArray> bits, ScaleSchedule schedule) {
        checkBits(bits, schedule);
        NDArray summed = null;
        for (NDArray b : bits) summed = accumulate(summed, b, schedule.last());
        return summed;
    }

    /** One inference step: {@code summed + bilinear(codes(bits) -> finalScale)}; {@code summed} may be null at scale 0. */
    public NDArray accumulate(NDArray summed, NDArray bits, ScaleSchedule.Scale finalScale) {
        NDArray up = Resample.bilinear(bsq.codesFromBits(bits), finalScale);   // (B, d, H, W)
        return summed == null ? up : summed.add(up);
    }

    /** The transformer input for the next scale: bilinear of the summed codes to (h', w'), row-major, (B, h'w', d). */
    public NDArray nextScaleInput(NDArray summed, ScaleSchedule.Scale next) {
        NDArray x = Resample.bilinear(summed, next);                          // (B, d, h', w')
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), (long) next.h() * next.w()).transpose(0, 2, 1);
    }

    /**
     * Teacher-forcing inputs of all scales after the first, as the official training ({@code flip_requant}) and
     * inference build them from bits: (B, L - first, d), scales 1..n-1 concatenated, each row-major.
     */
    public NDArray teacherForcingInputs(List<NDArray> bits, ScaleSchedule schedule) {
        checkBits(bits, schedule);
        NDList inputs = new NDList();
        NDArray summed = null;
        for (int si = 0; si < schedule.size() - 1; si++) {
            summed = accumulate(summed, bits.get(si), schedule.last());
            inputs.add(nextScaleInput(summed, schedule.get(si + 1)));
        }
        if (inputs.isEmpty()) {
            return bits.get(0).getManager().zeros(new Shape(bits.get(0).getShape().get(0), 0, dim()));
        }
        return NDArrays.concat(inputs, 1);
    }

    private void checkBits(List<NDArray> bits, ScaleSchedule schedule) {
        if (bits.size() != schedule.size()) {
            throw new IllegalArgumentException(bits.size() + " bit tensors for a schedule of " + schedule.size() + " scales " + schedule);
        }
        for (int i = 0; i < bits.size(); i++) {
            Shape s = bits.get(i).getShape();
            ScaleSchedule.Scale sc = schedule.get(i);
            if (s.dimension() != 4 || s.get(1) != sc.h() || s.get(2) != sc.w() || s.get(3) != dim()) {
                throw new IllegalArgumentException("bits of scale " + i + " must be (B, " + sc.h() + ", " + sc.w() + ", " + dim() + "), got " + s);
            }
        }
    }
}
