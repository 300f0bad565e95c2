package dev.infinity.workbench.train;

import java.io.PrintStream;

/**
 * Settings of {@link InfinityTrainer}. Defaults follow the official Infinity recipe where one exists (AdamW betas
 * 0.9/0.97, weight decay 0.05, cfg drop 0.1, bitwise self-correction on the first 13 scales with strength 0.3,
 * no label smoothing, no per-scale reweighting) and are sized for CPU toy runs otherwise.
 * <pre>
 *   TrainConfig c = TrainConfig.builder().steps(2000).batchSize(8).lr(1e-3).pixelSize(64).build();
 * </pre>
 */
public record TrainConfig(
        int steps, int batchSize, double lr, double minLr, int warmupSteps, double weightDecay, double beta1, double beta2,
        double maxGradNorm, double labelSmoothing, boolean reweightLossByScale, double condDropRate,
        int noiseApplyLayers, double noiseApplyStrength, boolean noiseApplyRequant, double emaDecay,
        int checkpointEvery, int evalEvery, int valBatches, double valFraction, int logEvery, long seed,
        int pixelSize, String template, double shortCaptionProb, boolean trainTextEncoder, int stopAfterStep, PrintStream progress) {

    public TrainConfig {
        if (steps <= 0 || batchSize <= 0) throw new IllegalArgumentException("steps and batch size must be positive: " + steps + ", " + batchSize);
        if (!(lr >= 0) || !(minLr >= 0)) throw new IllegalArgumentException("learning rates must be >= 0: lr " + lr + ", min " + minLr);
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0: " + warmupSteps);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new IllegalArgumentException("label smoothing must be in [0, 1): " + labelSmoothing);
        if (!(condDropRate >= 0 && condDropRate <= 1)) throw new IllegalArgumentException("cond drop rate must be in [0, 1]: " + condDropRate);
        if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1) (0 = off): " + emaDecay);
        if (checkpointEvery <= 0 || evalEvery <= 0 || logEvery <= 0) throw new IllegalArgumentException("checkpoint/eval/log intervals must be positive");
        if (!(valFraction > 0 && valFraction < 1)) throw new IllegalArgumentException("validation fraction must be in (0, 1): " + valFraction);
        if (pixelSize <= 0) throw new IllegalArgumentException("pixel size must be positive: " + pixelSize);
    }

    /** The learning-rate schedule: linear warm-up, cosine decay to {@code minLr} at {@code steps}. */
    public LrSchedule lrSchedule() { return new LrSchedule(lr, minLr, warmupSteps, steps); }

    public static Builder builder() { return new Builder(); }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.steps = steps; b.batchSize = batchSize; b.lr = lr; b.minLr = minLr; b.warmupSteps = warmupSteps; b.weightDecay = weightDecay;
        b.beta1 = beta1; b.beta2 = beta2; b.maxGradNorm = maxGradNorm; b.labelSmoothing = labelSmoothing;
        b.reweightLossByScale = reweightLossByScale; b.condDropRate = condDropRate; b.noiseApplyLayers = noiseApplyLayers;
        b.noiseApplyStrength = noiseApplyStrength; b.noiseApplyRequant = noiseApplyRequant; b.emaDecay = emaDecay;
        b.checkpointEvery = checkpointEvery; b.evalEvery = evalEvery; b.valBatches = valBatches; b.valFraction = valFraction;
        b.logEvery = logEvery; b.seed = seed; b.pixelSize = pixelSize; b.template = template; b.shortCaptionProb = shortCaptionProb;
        b.trainTextEncoder = trainTextEncoder; b.stopAfterStep = stopAfterStep; b.progress = progress;
        return b;
    }

    public static final class Builder {
        private int steps = 1000, batchSize = 8, warmupSteps = 50, checkpointEvery = 200, evalEvery = 100, valBatches = 4, logEvery = 10;
        private double lr = 3e-4, minLr = 3e-5, weightDecay = 0.05, beta1 = 0.9, beta2 = 0.97, maxGradNorm = 2.0;
        private double labelSmoothing = 0, condDropRate = 0.1, noiseApplyStrength = 0.3, emaDecay = 0, valFraction = 0.05;
        private double shortCaptionProb = 0.2;
        private int noiseApplyLayers = 13, pixelSize = 64, stopAfterStep = 0;
        private boolean reweightLossByScale = false, noiseApplyRequant = true, trainTextEncoder = true;
        private long seed = 0;
        private String template = null;
        private PrintStream progress = System.err;

        public Builder steps(int v) { steps = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        /** Peak learning rate (after warm-up). */
        public Builder lr(double v) { lr = v; return this; }
        /** Learning rate at the end of the cosine decay. */
        public Builder minLr(double v) { minLr = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        /** AdamW decoupled weight decay on ≥2-D weights (not on cfg_uncond, pos_start, lvl_embed, as official). */
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        /** Global gradient-norm clipping (0 = off). */
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        /** Label smoothing of the per-bit cross-entropy (official {@code ls}). */
        public Builder labelSmoothing(double v) { labelSmoothing = v; return this; }
        /** Official {@code reweight_loss_by_scale}: token weights sqrt(last area / scale area), normalised. */
        public Builder reweightLossByScale(boolean v) { reweightLossByScale = v; return this; }
        /** Probability that a prompt is replaced by the learned unconditional embedding (official {@code cfg drop}). */
        public Builder condDropRate(double v) { condDropRate = v; return this; }
        /** Bitwise self-correction: flipped bits on the first {@code layers} scales with strength up to {@code strength}. */
        public Builder bitwiseSelfCorrection(int layers, double strength) { noiseApplyLayers = layers; noiseApplyStrength = strength; return this; }
        public Builder noiseApplyRequant(boolean v) { noiseApplyRequant = v; return this; }
        /** Exponential moving average of the weights (0 = off; e.g. 0.999). */
        public Builder emaDecay(double v) { emaDecay = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        /** Held-out batches per validation (fixed, the same every time). */
        public Builder valBatches(int v) { valBatches = v; return this; }
        /** Share of each meta file's lines held out for validation. */
        public Builder valFraction(double v) { valFraction = v; return this; }
        /** Progress line every N steps. */
        public Builder logEvery(int v) { logEvery = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        /** Square pixel size images are resized and centre-cropped to. */
        public Builder pixelSize(int v) { pixelSize = v; return this; }
        /** Train only on this aspect template (e.g. "1.000"); null = all (non-square ones are centre-cropped). */
        public Builder template(String v) { template = v; return this; }
        /** Probability of the short caption (official default 0.2). */
        public Builder shortCaptionProb(double v) { shortCaptionProb = v; return this; }
        /** Train the text encoder jointly when it is a module (default on); off = frozen. */
        public Builder trainTextEncoder(boolean v) { trainTextEncoder = v; return this; }
        /**
         * Return after this step (with a checkpoint written there), as if the run were interrupted; a later call resumes.
         * For notebooks that train in slices (0 = run to the end).
         */
        public Builder stopAfterStep(int v) { stopAfterStep = v; return this; }
        /** Where progress lines go (null = silent). */
        public Builder progress(PrintStream v) { progress = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(steps, batchSize, lr, minLr, warmupSteps, weightDecay, beta1, beta2, maxGradNorm, labelSmoothing,
                    reweightLossByScale, condDropRate, noiseApplyLayers, noiseApplyStrength, noiseApplyRequant, emaDecay, checkpointEvery,
                    evalEvery, valBatches, valFraction, logEvery, seed, pixelSize, template, shortCaptionProb, trainTextEncoder, stopAfterStep, progress);
        }
    }
}
