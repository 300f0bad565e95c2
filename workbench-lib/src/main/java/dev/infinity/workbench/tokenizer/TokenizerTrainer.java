package dev.infinity.workbench.tokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.SafeTensors;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.Parameter;
import dev.infinity.workbench.nn.ParameterLoader;
import dev.infinity.workbench.train.AdamW;
import dev.infinity.workbench.train.LrSchedule;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a BSQ-VAE tokenizer from scratch on square images: loss = l1 |x - x̂| + l2 (x - x̂)² + the quantizer's
 * auxiliary loss (entropy penalty and commitment, {@link MultiScaleQuantizer#auxLoss}) + optionally, after
 * {@code discStart} steps, a hinge PatchGAN term. AdamW (decay on ≥2-D weights), global-norm clipping, linear
 * warm-up and cosine decay. Every {@code checkpointEvery} steps it writes {@code ckpt-<step>.*.safetensors} and
 * then {@code state.json} (atomically; older checkpoints are removed); a new run in the same folder resumes from
 * the latest one. Per-step metrics go to {@code metrics.csv}; held-out PSNR every {@code evalEvery} steps.
 * The final weights (official key names) are {@code tokenizer.safetensors} + {@code tokenizer.json} (config).
 */
public final class TokenizerTrainer {
    /** One row of metrics.csv. */
    public record StepMetrics(int step, double loss, double l1, double l2, double aux, double ganG, double ganD,
                              double lr, double gradNorm, double imagesPerSec, double psnr) {
        static final String HEADER = "step,loss,l1,l2,aux,gan_g,gan_d,lr,grad_norm,images_per_s,psnr";

        String csv() {
            return String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%s,%s,%.6g,%.5f,%.3f,%s", step, loss, l1, l2, aux,
                    opt(ganG), opt(ganD), lr, gradNorm, imagesPerSec, opt(psnr));
        }

        private static String opt(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5f", v); }
    }

    /** Training settings; defaults follow the official tokenizer recipe where it applies (lr 1e-4, betas 0.9/0.95, clip 1). */
    public static final class Options {
        int steps = 1000, batchSize = 4, imageSize = 64, warmupSteps = 0, checkpointEvery = 200, evalEvery = 50, discStart = 500;
        double lr = 1e-4, minLr = 0, weightDecay = 0, beta1 = 0.9, beta2 = 0.95, maxGradNorm = 1.0;
        double l1Weight = 1, l2Weight = 1, discWeight = 0.1;
        boolean discriminator, decoderOnly;
        Path init;
        long seed = 0;
        int discChannels = 64, discLayers = 3;
        PrintStream progress = System.err;

        public Options steps(int v) { steps = v; return this; }
        public Options batchSize(int v) { batchSize = v; return this; }
        public Options imageSize(int v) { imageSize = v; return this; }
        public Options lr(double v) { lr = v; return this; }
        public Options minLr(double v) { minLr = v; return this; }
        public Options warmupSteps(int v) { warmupSteps = v; return this; }
        public Options weightDecay(double v) { weightDecay = v; return this; }
        public Options betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        public Options maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Options l1Weight(double v) { l1Weight = v; return this; }
        public Options l2Weight(double v) { l2Weight = v; return this; }
        /** Enables the hinge PatchGAN from step {@code start} with generator weight {@code weight}. */
        public Options discriminator(int start, double weight) { discriminator = true; discStart = start; discWeight = weight; return this; }
        public Options discriminatorSize(int channels, int layers) { discChannels = channels; discLayers = layers; return this; }
        /** Starts from these weights (a tokenizer.safetensors of the same config) instead of a random initialisation. */
        public Options init(Path weights) { init = weights; return this; }
        /**
         * Trains only the decoder: the encoder and quantizer stay frozen, so every image keeps its bits and a
         * transformer trained on them stays valid (decoder fine-tuning, e.g. with the discriminator for sharper edges).
         */
        public Options decoderOnly(boolean v) { decoderOnly = v; return this; }
        /** Seed of the weight initialisation (the data order is fixed by the image source). */
        public Options seed(long v) { seed = v; return this; }
        public Options checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Options evalEvery(int v) { evalEvery = v; return this; }
        /** Where progress lines go (null: silent). */
        public Options progress(PrintStream v) { progress = v; return this; }
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final VaeConfig config;
    private final Options opt;
    private final Path out;
    private final List<StepMetrics> history = new ArrayList<>();
    private double initialPsnr = Double.NaN;

    public TokenizerTrainer(VaeConfig config, Options options, Path outDir) {
        int p = config.patchSize();
        if (options.imageSize < p || options.imageSize % p != 0) {
            throw new IllegalArgumentException("image size " + options.imageSize + " must be a positive multiple of the patch size " + p);
        }
        if (options.steps <= 0 || options.batchSize <= 0) throw new IllegalArgumentException("steps and batch size must be positive");
        this.config = config;
        this.opt = options;
        this.out = outDir;
    }

    public List<StepMetrics> history() { return history; }

    /** Held-out PSNR of the freshly initialised model (NaN when the run resumed). */
    public double initialPsnr() { return initialPsnr; }

    /** Runs (or resumes) training and returns the trained model; the caller closes it. */
    public BsqVae train(TrainingImages data) {
        Engine.getInstance().setRandomSeed((int) opt.seed);
        BsqVae vae = new BsqVae(config);
        if (opt.init != null) ParameterLoader.load(vae, StateDict.load(opt.init), null, true);
        PatchDiscriminator disc = opt.discriminator ? new PatchDiscriminator(vae.manager(), config.imageChannels(), opt.discChannels, opt.discLayers) : null;
        int latent = opt.imageSize / config.patchSize();
        ScaleSchedule schedule = Tokenizer.of(vae).scheduleFor(latent, latent);
        LrSchedule lrs = new LrSchedule(opt.lr, opt.minLr, opt.warmupSteps, opt.steps);
        Map<String, Parameter> trained = new LinkedHashMap<>(vae.namedParameters());
        if (opt.decoderOnly) trained.keySet().removeIf(k -> !k.startsWith("decoder."));
        trained.values().forEach(p -> p.setRequiresGradient(true));
        if (disc != null) disc.setTrainable(true);
        try (AdamW adam = new AdamW(trained, (float) opt.beta1, (float) opt.beta2, 1e-8f, (float) opt.weightDecay);
             AdamW discAdam = disc == null ? null : new AdamW(disc.namedParameters(), 0.5f, 0.9f, 1e-8f, 0f)) {
            int start = resume(vae, adam, disc, discAdam);
            if (start == 0) {
                initialPsnr = heldOutPsnr(vae, data, schedule);
                if (opt.progress != null) {
                    opt.progress.printf(Locale.ROOT, "held-out PSNR before training %.2f dB (each image replaced by its mean colour: %.2f dB)%n",
                            initialPsnr, meanColourPsnr(data, opt.imageSize));
                }
            }
            long t0 = System.nanoTime();
            for (int step = start + 1; step <= opt.steps; step++) {
                long ts = System.nanoTime();
                StepMetrics m = step(vae, adam, disc, discAdam, data, schedule, step, lrs.at(step));
                double ips = opt.batchSize / ((System.nanoTime() - ts) / 1e9);
                double psnr = step % opt.evalEvery == 0 || step == opt.steps ? heldOutPsnr(vae, data, schedule) : Double.NaN;
                m = new StepMetrics(m.step, m.loss, m.l1, m.l2, m.aux, m.ganG, m.ganD, m.lr, m.gradNorm, ips, psnr);
                history.add(m);
                progress(m, start, t0);
                if (step % opt.checkpointEvery == 0 || step == opt.steps) checkpoint(vae, adam, disc, discAdam, step);
            }
            writeFinal(vae);
            vae.setTrainable(false);
            return vae;
        } catch (RuntimeException e) {
            vae.close();
            throw e;
        }
    }

    private StepMetrics step(BsqVae vae, AdamW adam, PatchDiscriminator disc, AdamW discAdam, TrainingImages data,
                             ScaleSchedule schedule, int step, double lr) {
        boolean gan = disc != null && step > opt.discStart;
        try (NDManager scope = vae.manager().newSubManager()) {
            NDArray x = batch(scope, data, step);
            // loss weights as NDArrays alive until backward (scalar-argument ops can corrupt gradients in DJL)
            NDArray wl1 = scope.create((float) opt.l1Weight), wl2 = scope.create((float) opt.l2Weight);
            NDArray wgan = scope.create((float) opt.discWeight), one = scope.create(1f);
            double[] v = new double[6];
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                MultiScaleCode code = vae.quantizer.encode(vae.encoder.forward(x), schedule);
                NDArray recon = vae.decoder.forward(code.quantized());
                NDArray diff = recon.sub(x);
                NDArray l1 = diff.abs().mean(), l2 = diff.mul(diff).mean();
                NDArray aux = vae.quantizer.auxLoss(code);
                NDArray loss = l1.mul(wl1).add(l2.mul(wl2)).add(aux);
                NDArray ganG = null, ganD = null;
                if (gan) {
                    ganG = disc.forward(recon).mean().neg();
                    loss = loss.add(ganG.mul(wgan));
                }
                gc.backward(loss);
                if (gan) {
                    discAdam.zeroGrad(); // the generator's backward also reached the discriminator
                    ganD = Activation.relu(one.sub(disc.forward(x))).mean()
                            .add(Activation.relu(one.add(disc.forward(recon.stopGradient()))).mean());
                    gc.backward(ganD);
                }
                v[0] = loss.getFloat();
                v[1] = l1.getFloat();
                v[2] = l2.getFloat();
                v[3] = aux.getFloat();
                v[4] = ganG == null ? Double.NaN : ganG.getFloat();
                v[5] = ganD == null ? Double.NaN : ganD.getFloat();
            }
            double norm = adam.clipGradNorm(opt.maxGradNorm);
            if (Double.isFinite(norm)) adam.step(lr);
            else adam.zeroGrad(); // skip a step with a non-finite gradient
            if (gan) {
                if (Double.isFinite(discAdam.clipGradNorm(opt.maxGradNorm))) discAdam.step(lr);
                else discAdam.zeroGrad();
            }
            return new StepMetrics(step, v[0], v[1], v[2], v[3], v[4], v[5], lr, norm, 0, Double.NaN);
        }
    }

    /** Images {@code (step-1)*B .. step*B-1} of the source, so a resumed run sees the same data. */
    private NDArray batch(NDManager scope, TrainingImages data, int step) {
        int s = opt.imageSize, per = 3 * s * s;
        float[] buf = new float[opt.batchSize * per];
        for (int i = 0; i < opt.batchSize; i++) {
            System.arraycopy(data.image((long) (step - 1) * opt.batchSize + i, s), 0, buf, i * per, per);
        }
        return scope.create(buf, new Shape(opt.batchSize, 3, s, s));
    }

    /** Mean PSNR (dB, images in [0, 1]) of encode → decode over the held-out images. */
    public double heldOutPsnr(BsqVae vae, TrainingImages data, ScaleSchedule schedule) {
        int s = opt.imageSize, n = data.heldOutCount();
        double total = 0;
        try (NDManager scope = vae.manager().newSubManager()) {
            for (int i = 0; i < n; i++) {
                NDArray x = scope.create(data.heldOut(i, s), new Shape(1, 3, s, s));
                NDArray recon = vae.decode(vae.encode(x, schedule).quantized());
                double mse = recon.sub(x).square().mean().getFloat() / 4; // [-1, 1] → [0, 1]
                total += 10 * Math.log10(1 / Math.max(mse, 1e-12));
            }
        }
        return total / n;
    }

    /**
     * The floor a tokenizer must beat: mean PSNR (dB, images in [0, 1]) of the held-out images against each image's
     * own mean colour (a constant image per channel).
     */
    public static double meanColourPsnr(TrainingImages data, int size) {
        int plane = size * size;
        double total = 0;
        for (int i = 0; i < data.heldOutCount(); i++) {
            float[] x = data.heldOut(i, size);                 // (3, size, size) in [-1, 1]
            double se = 0;
            for (int c = 0; c < x.length / plane; c++) {
                double mean = 0;
                for (int p = 0; p < plane; p++) mean += x[c * plane + p];
                mean /= plane;
                for (int p = 0; p < plane; p++) {
                    double d = (x[c * plane + p] - mean) / 2;  // [-1, 1] → [0, 1]
                    se += d * d;
                }
            }
            total += 10 * Math.log10(1 / Math.max(se / x.length, 1e-12));
        }
        return total / data.heldOutCount();
    }

    private void progress(StepMetrics m, int start, long t0) {
        if (opt.progress == null) return;
        double elapsed = (System.nanoTime() - t0) / 1e9;
        int done = m.step - start;
        long eta = Math.round(elapsed / done * (opt.steps - m.step));
        opt.progress.printf(Locale.ROOT, "step %d/%d  loss %.4f (l1 %.4f l2 %.4f aux %.4f)  lr %.2e  |g| %.3f  %.1f img/s%s  ETA %02d:%02d:%02d%n",
                m.step, opt.steps, m.loss, m.l1, m.l2, m.aux, m.lr, m.gradNorm, m.imagesPerSec,
                Double.isNaN(m.psnr) ? "" : String.format(Locale.ROOT, "  held-out PSNR %.2f dB", m.psnr), eta / 3600, eta / 60 % 60, eta % 60);
    }

    // ---- checkpoints ------------------------------------------------------------------------

    private void checkpoint(BsqVae vae, AdamW adam, PatchDiscriminator disc, AdamW discAdam, int step) {
        String tag = String.format(Locale.ROOT, "ckpt-%07d", step);
        SafeTensors.write(out.resolve(tag + ".model.safetensors"), tensors(vae), Map.of());
        SafeTensors.write(out.resolve(tag + ".optim.safetensors"), adam.stateTensors(), Map.of());
        if (disc != null) {
            SafeTensors.write(out.resolve(tag + ".disc.safetensors"), tensors(disc), Map.of());
            SafeTensors.write(out.resolve(tag + ".disc-optim.safetensors"), discAdam.stateTensors(), Map.of());
        }
        writeCsv();
        JsonObject state = new JsonObject();
        state.addProperty("step", step);
        state.addProperty("checkpoint", tag);
        state.addProperty("optimizer_steps", adam.stepCount());
        state.addProperty("disc_optimizer_steps", discAdam == null ? 0 : discAdam.stepCount());
        state.add("config", config.toOfficialArgs());
        AtomicFiles.writeString(out.resolve("state.json"), GSON.toJson(state));
        deleteOlderCheckpoints(tag);
    }

    /** Loads the latest checkpoint in the output folder, if any; returns the step it ended at (0 for a fresh run). */
    private int resume(BsqVae vae, AdamW adam, PatchDiscriminator disc, AdamW discAdam) {
        Path statePath = out.resolve("state.json");
        if (!Files.exists(statePath)) return 0;
        JsonObject state;
        try {
            state = JsonParser.parseString(Files.readString(statePath)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(statePath + ": unreadable training state (" + e.getMessage() + ")", e);
        }
        VaeConfig saved = VaeConfig.fromOfficialArgs(state.getAsJsonObject("config"));
        if (!saved.equals(config)) throw new IllegalStateException(statePath + ": the run in this folder has " + saved + ", not " + config + "; use another --out");
        String tag = state.get("checkpoint").getAsString();
        ParameterLoader.load(vae, StateDict.load(out.resolve(tag + ".model.safetensors")), null, true);
        adam.loadState(StateDict.load(out.resolve(tag + ".optim.safetensors")).tensors(), state.get("optimizer_steps").getAsLong());
        if (disc != null && Files.exists(out.resolve(tag + ".disc.safetensors"))) {
            ParameterLoader.load(disc, StateDict.load(out.resolve(tag + ".disc.safetensors")), null, true);
            discAdam.loadState(StateDict.load(out.resolve(tag + ".disc-optim.safetensors")).tensors(), state.get("disc_optimizer_steps").getAsLong());
        }
        int step = state.get("step").getAsInt();
        readCsv(step);
        if (opt.progress != null) opt.progress.println("resuming from " + out.resolve(tag) + " (step " + step + ")");
        return step;
    }

    private void writeFinal(BsqVae vae) {
        writeCsv();
        SafeTensors.write(out.resolve("tokenizer.safetensors"), tensors(vae), Map.of("format", "pt"));
        AtomicFiles.writeString(out.resolve("tokenizer.json"), GSON.toJson(config.toOfficialArgs()));
    }

    /** The config saved next to trained weights by {@link #train}. */
    public static VaeConfig savedConfig(Path outDir) {
        Path p = outDir.resolve("tokenizer.json");
        try {
            return VaeConfig.fromOfficialArgs(JsonParser.parseString(Files.readString(p)).getAsJsonObject());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    private static Map<String, HostTensor> tensors(Module m) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) out.put(e.getKey(), HostTensor.of(e.getValue().array()));
        return out;
    }

    private void writeCsv() {
        StringBuilder sb = new StringBuilder(StepMetrics.HEADER).append('\n');
        for (StepMetrics m : history) sb.append(m.csv()).append('\n');
        AtomicFiles.writeString(out.resolve("metrics.csv"), sb.toString());
    }

    /** Re-reads metrics.csv rows up to {@code step} (later rows belong to steps that will be redone). */
    private void readCsv(int step) {
        Path p = out.resolve("metrics.csv");
        if (!Files.exists(p)) return;
        try {
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                if (Integer.parseInt(f[0]) > step) break;
                history.add(new StepMetrics(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]),
                        d(f[7]), d(f[8]), d(f[9]), d(f[10])));
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(p + ": unreadable metrics (" + e.getMessage() + ")", e);
        }
    }

    private static double d(String s) { return s.isEmpty() ? Double.NaN : Double.parseDouble(s); }

    private void deleteOlderCheckpoints(String keep) {
        try (var files = Files.list(out)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith("ckpt-") && !n.startsWith(keep + ".")) Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean old checkpoints in " + out, e);
        }
    }
}
