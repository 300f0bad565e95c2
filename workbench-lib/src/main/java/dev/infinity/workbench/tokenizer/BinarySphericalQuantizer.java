package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * Binary spherical quantization (BSQ, arXiv 2406.07548) of a d-dimensional latent: project each position onto
 * the unit sphere and snap every channel to ±1/√d. A code is d bits; bit j is channel j (1 where positive).
 *
 * <p>As the official {@code BSQ} with {@code new_quant=True} and no projections: {@code z = x / max(||x||, 1e-12)}
 * over channels, {@code zhat = where(z > 0, +1/√d, -1/√d)} (so +0.0 and -0.0 give bit 0), output
 * {@code z + stopGradient(zhat - z)} (straight-through estimator). Training adds the entropy auxiliary loss and
 * the commitment loss ({@link #auxLoss}).
 */
public final class BinarySphericalQuantizer {
    /** One quantization: {@code quantized} (B, d, H, W) ±1/√d with STE gradient, {@code bits} (B, H, W, d) int32,
     *  {@code normalized} = z (B, d, H, W), the input on the unit sphere. */
    public record Quantized(NDArray quantized, NDArray bits, NDArray normalized) {}

    /** The official loss breakdown; {@code total = commitment * commitmentWeight + zeta * entropyPenalty / invTemperature * entropyWeight}. */
    public record AuxLoss(NDArray perSampleEntropy, NDArray codebookEntropy, NDArray commitment, NDArray total) {}

    private final int dim;
    private final double entropyLossWeight;
    private final double commitmentLossWeight;
    private final double inverseTemperature;
    private final double perSampleGamma;
    private final double diversityGamma;
    private final double zeta;

    private BinarySphericalQuantizer(Builder b) {
        if (b.dim <= 0) throw new IllegalArgumentException("codebook dim must be positive, got " + b.dim);
        this.dim = b.dim;
        this.entropyLossWeight = b.entropyLossWeight;
        this.commitmentLossWeight = b.commitmentLossWeight;
        this.inverseTemperature = b.inverseTemperature;
        this.perSampleGamma = b.perSampleGamma;
        this.diversityGamma = b.diversityGamma;
        this.zeta = b.zeta;
    }

    /** A quantizer with the official defaults (entropy weight 0.1, commitment 0.25, inverse temperature 100, gammas 1). */
    public BinarySphericalQuantizer(int dim) { this(builder(dim)); }

    public static Builder builder(int dim) { return new Builder(dim); }

    public int dim() { return dim; }

    /** The code magnitude 1/√d. */
    public float codeScale() { return (float) (1.0 / Math.sqrt(dim)); }

    /** Quantizes x (B, d, H, W). */
    public Quantized quantize(NDArray x) {
        checkChannels(x.getShape(), 1, "input");
        NDArray z = x.normalize(2, 1, 1e-12);                                   // (B, d, H, W) on the unit sphere
        NDManager m = x.getManager();
        float s = codeScale();
        NDArray zhat = NDArrays.where(z.gt(0), m.full(z.getShape(), s), m.full(z.getShape(), -s));
        NDArray quantized = z.add(zhat.sub(z).stopGradient());
        NDArray bits = quantized.gt(0).toType(DataType.INT32, false).transpose(0, 2, 3, 1); // (B, H, W, d)
        return new Quantized(quantized, bits, z);
    }

    /** Codes ±1/√d (B, d, h, w) from bits (B, h, w, d) of any integer, boolean or float type (0/1). */
    public NDArray codesFromBits(NDArray bits) {
        checkChannels(bits.getShape(), bits.getShape().dimension() - 1, "bits");
        float s = codeScale();
        NDArray codes = bits.toType(DataType.FLOAT32, false).mul(2 * s).sub(s);  // (B, h, w, d)
        return codes.normalize(2, -1, 1e-12).transpose(0, 3, 1, 2);
    }

    /**
     * The official training losses of one quantization. Entropy: per channel p = sigmoid(-4 z / √d * invT),
     * probabilities (p, 1-p); per-sample entropy = mean over positions of the summed channel entropies;
     * codebook entropy = sum over channels of the entropy of the position-averaged probabilities (both with
     * {@code -sum p log(p + 1e-8)}); penalty = perSampleGamma * perSample - diversityGamma * codebook.
     * Commitment = mean((z - stopGradient(quantized))²).
     */
    public AuxLoss auxLoss(Quantized q) {
        NDArray z = q.normalized();
        NDManager m = z.getManager();
        // constants as NDArrays kept alive on z's manager: scalar-argument ops can corrupt gradients in DJL
        NDArray logitScale = m.create((float) (-4.0 / Math.sqrt(dim) * inverseTemperature));
        NDArray one = m.create(1f);
        NDArray tiny = m.create(1e-8f);
        NDArray p = Activation.sigmoid(z.mul(logitScale));                      // (B, d, H, W)
        NDArray prob = NDArrays.stack(new NDList(p, one.sub(p)), -1); // (B, d, H, W, 2)
        NDArray perSample = entropy(prob, tiny).sum(new int[] {1}).mean();       // sum over d, mean over B, H, W
        NDArray avgProb = prob.transpose(1, 4, 0, 2, 3).reshape(dim, 2, -1).mean(new int[] {2}); // (d, 2)
        NDArray codebook = entropy(avgProb, tiny).sum();
        NDArray penalty = perSample.mul(m.create((float) perSampleGamma)).sub(codebook.mul(m.create((float) diversityGamma)));
        NDArray diff = z.sub(q.quantized().stopGradient());
        NDArray commitment = diff.mul(diff).mean();
        NDArray total = commitment.mul(m.create((float) commitmentLossWeight))
                .add(penalty.mul(m.create((float) (zeta / inverseTemperature * entropyLossWeight))));
        return new AuxLoss(perSample, codebook, commitment, total);
    }

    private static NDArray entropy(NDArray prob, NDArray tiny) {
        return prob.mul(prob.add(tiny).log()).sum(new int[] {-1}).neg();
    }

    private void checkChannels(Shape shape, int axis, String what) {
        if (shape.dimension() != 4 || shape.get(axis) != dim) {
            throw new IllegalArgumentException("BSQ(d=" + dim + ") " + what + " must be 4-D with " + dim
                    + " channels on axis " + axis + ", got shape " + shape);
        }
    }

    /** Builder with the official defaults. */
    public static final class Builder {
        private final int dim;
        private double entropyLossWeight = 0.1;
        private double commitmentLossWeight = 0.25;
        private double inverseTemperature = 100.0;
        private double perSampleGamma = 1.0;
        private double diversityGamma = 1.0;
        private double zeta = 1.0;

        private Builder(int dim) { this.dim = dim; }

        public Builder entropyLossWeight(double v) { entropyLossWeight = v; return this; }
        public Builder commitmentLossWeight(double v) { commitmentLossWeight = v; return this; }
        public Builder inverseTemperature(double v) { inverseTemperature = v; return this; }
        public Builder perSampleGamma(double v) { perSampleGamma = v; return this; }
        public Builder diversityGamma(double v) { diversityGamma = v; return this; }
        public Builder zeta(double v) { zeta = v; return this; }
        public BinarySphericalQuantizer build() { return new BinarySphericalQuantizer(this); }
    }
}
