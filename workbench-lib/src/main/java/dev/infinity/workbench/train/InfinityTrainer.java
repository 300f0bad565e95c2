package dev.infinity.workbench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.infinity.workbench.data.Batch;
import dev.infinity.workbench.data.DataPosition;
import dev.infinity.workbench.data.T2IDataset;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.SafeTensors;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.SpatialPatchify;
import dev.infinity.workbench.nn.Parameter;
import dev.infinity.workbench.nn.ParameterLoader;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.text.TextEncoder;
import dev.infinity.workbench.text.ToyTextEncoder;
import dev.infinity.workbench.tokenizer.BitwiseSelfCorrection;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.DynamicResolution;
import dev.infinity.workbench.tokenizer.MultiScaleQuantizer;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Trains an Infinity transformer on text-image pairs (official {@code InfinityTrainer.train_step}):
 * <ol>
 *   <li>images → raw latents with the frozen tokenizer's encoder (cached per image: the preprocessing is deterministic);</li>
 *   <li>bitwise self-correction ({@link BitwiseSelfCorrection}) builds the next-scale inputs from a corrupted bit
 *       path; the labels are the re-quantized target bits;</li>
 *   <li>prompts → text features (a {@link ToyTextEncoder} is trained jointly); each prompt is replaced by the learned
 *       unconditional embedding {@code cfg_uncond} with probability {@code condDropRate};</li>
 *   <li>teacher-forced forward, {@link BitLoss}, backward, global-norm clipping, AdamW with warm-up and cosine decay, EMA.</li>
 * </ol>
 * Writes {@code metrics.csv} (one row per step, flushed), checkpoints every N steps into {@code checkpoints/}
 * (resumed automatically, with the data position and RNG state), validation on a held-out split, and finally
 * {@code infinity.safetensors} + {@code infinity.json} (+ {@code infinity-ema.safetensors}, {@code text/}).
 */
public final class InfinityTrainer implements AutoCloseable {
    /** Name parts of tensors the official optimiser does not decay ({@code nowd_keys}; 1-D weights and biases never are). */
    private static final Set<String> NO_DECAY = Set.of("cfg_uncond", "pos_start", "lvl_embed", "gamma", "beta", "ada_gss", "scale_mul",
            "text_proj_for_sos.ca.mat_q");

    /** One row of metrics.csv (validation fields NaN on steps without validation). */
    public record StepMetrics(int step, double loss, BitLoss.Metrics train, double gradNorm, double lr, double imagesPerSec,
                              double elapsedSec, BitLoss.Metrics val) {}

    /** Thrown when the loss or the gradient is not finite; the last checkpoint is left as it was. */
    public static final class NonFiniteLossException extends IllegalStateException {
        public NonFiniteLossException(String message) { super(message); }
    }

    private final Infinity model;
    private final TextEncoder text;
    private final ToyTextEncoder trainedText;
    private final BsqVae tokenizer;
    private final TrainConfig cfg;
    private final BitwiseSelfCorrection bsc, teacherForcing;
    private final boolean patchify;     // tokens are 2x2 patches of tokenizer cells (SpatialPatchify)
    private final MultiScaleQuantizer quantizer;
    private final Map<String, Parameter> trained = new LinkedHashMap<>();
    private final AdamW decayed, notDecayed;
    private final Ema ema;
    private final Map<ScaleSchedule, BitLoss> losses = new HashMap<>();
    private final Map<String, float[]> latentCache = new HashMap<>();
    private final List<StepMetrics> history = new ArrayList<>();

    /**
     * @param tokenizer the frozen tokenizer (its encoder makes the latents); may be null when only {@link #step} is used
     */
    public InfinityTrainer(Infinity model, TextEncoder text, BsqVae tokenizer, TrainConfig cfg) {
        var mc = model.config();
        if (text.channels() != mc.textChannels()) {
            throw new IllegalArgumentException("text encoder has " + text.channels() + " channels, the transformer expects " + mc.textChannels());
        }
        if (text.maxLength() > mc.textMaxLen()) {
            throw new IllegalArgumentException("text encoder makes up to " + text.maxLength() + " tokens, the transformer's cfg_uncond has " + mc.textMaxLen());
        }
        this.patchify = mc.applySpatialPatchify();
        if (tokenizer != null && tokenizer.config().codebookDim() * (patchify ? 4 : 1) != mc.codebookDim()) {
            throw new IllegalArgumentException("tokenizer has d = " + tokenizer.config().codebookDim() + ", the transformer d = " + mc.codebookDim()
                    + (patchify ? " (spatial patchify needs 4 x the tokenizer's d)" : ""));
        }
        this.model = model;
        this.text = text;
        this.trainedText = cfg.trainTextEncoder() && text instanceof ToyTextEncoder t ? t : null;
        this.tokenizer = tokenizer;
        this.cfg = cfg;
        this.quantizer = tokenizer != null ? tokenizer.quantizer : new MultiScaleQuantizer(mc.codebookDim() / (patchify ? 4 : 1));
        this.bsc = BitwiseSelfCorrection.builder(quantizer).noiseApplyLayers(cfg.noiseApplyLayers()).noiseApplyStrength(cfg.noiseApplyStrength())
                .requant(cfg.noiseApplyRequant()).build();
        this.teacherForcing = BitwiseSelfCorrection.builder(quantizer).build();
        if (tokenizer != null) tokenizer.setTrainable(false);
        if (text instanceof ToyTextEncoder t) t.setTrainable(trainedText != null);
        model.setTrainable(true);
        Map<String, Parameter> decay = new LinkedHashMap<>(), plain = new LinkedHashMap<>();
        model.namedParameters().forEach((k, p) -> { if (p.learnable()) trained.put(k, p); });
        if (trainedText != null) trainedText.namedParameters().forEach((k, p) -> { if (p.learnable()) trained.put("text." + k, p); });
        trained.forEach((k, p) -> (!k.startsWith("text.") && NO_DECAY.stream().anyMatch(k::contains) ? plain : decay).put(k, p));
        decayed = new AdamW(decay, (float) cfg.beta1(), (float) cfg.beta2(), 1e-8f, (float) cfg.weightDecay());
        notDecayed = new AdamW(plain, (float) cfg.beta1(), (float) cfg.beta2(), 1e-8f, 0f);
        ema = cfg.emaDecay() > 0 ? new Ema(trained, cfg.emaDecay(), model.manager()) : null;
    }

    public List<StepMetrics> history() { return history; }
    public TrainConfig config() { return cfg; }

    /**
     * The generator's scale schedule for a latent of h x w cells: the prefix of the nearest aspect template's scale
     * list (the 1.0 template: 1, 2, 4, 6, 8, 12, 16, ...) that ends at (h, w).
     */
    public static ScaleSchedule scheduleFor(int latentH, int latentW) {
        double template = DynamicResolution.nearestTemplate((double) latentH / latentW);
        ScaleSchedule full = DynamicResolution.entry(template, "1M").scales();
        for (int i = 0; i < full.size(); i++) {
            if (full.get(i).h() == latentH && full.get(i).w() == latentW) return full.prefix(i + 1);
        }
        throw new IllegalArgumentException("no scale schedule of template " + template + " ends at a " + latentH + "x" + latentW + " latent: " + full);
    }

    // ------------------------------------------------------------------ the loop

    /** Trains (or resumes) on the data set in {@code data} (official layout), writing into {@code out}. */
    public List<StepMetrics> train(Path data, Path out) {
        if (tokenizer == null) throw new IllegalStateException("training from images needs a tokenizer");
        HeldOutSplit split = HeldOutSplit.write(data, out, cfg.valFraction(), cfg.template());
        T2IDataset trainSet = dataset(split.train(), split, cfg.batchSize(), cfg.seed());
        T2IDataset valSet = dataset(split.val(), split, cfg.batchSize(), cfg.seed() + 1);
        CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), 2);
        int latent = cfg.pixelSize() / tokenizer.config().patchSize() / (patchify ? 2 : 1);   // in tokens
        int scales = scheduleFor(latent, latent).size();
        MetricsCsv csv = new MetricsCsv(out.resolve("metrics.csv"), scales);
        int start = 0;
        DataPosition position = DataPosition.start();
        var resumed = store.latest();
        if (resumed.isPresent()) {
            CheckpointStore.Loaded ck = resumed.get();
            restore(ck);
            start = ck.step();
            position = DataPosition.fromJson(ck.state().get("data_position").getAsString());
            say("resuming from " + ck.dir() + " (step " + start + ")");
        }
        history.addAll(csv.truncateTo(start));
        List<Prepared> val = prepareValidation(valSet);
        say(String.format(Locale.ROOT, "training %,d parameters on %d images (%d held out), %d steps of %d, schedule %s",
                trained.values().stream().mapToLong(p -> p.array().size()).sum(), split.trainLines(), split.valLines(), cfg.steps(),
                cfg.batchSize(), scheduleFor(latent, latent)));
        if (start == 0) {
            StepMetrics m0 = new StepMetrics(0, Double.NaN, null, Double.NaN, 0, Double.NaN, 0, validate(val));
            history.add(m0);
            csv.append(m0);
            say(String.format(Locale.ROOT, "step 0  val loss %.4f  bit acc %.2f%%", m0.val().loss(), 100 * m0.val().bitAcc()));
        }
        T2IDataset.BatchStream stream = trainSet.stream(position);
        LrSchedule lrs = cfg.lrSchedule();
        long t0 = System.nanoTime();
        for (int step = start + 1; step <= cfg.steps(); step++) {
            long ts = System.nanoTime();
            Batch batch = stream.next();
            double lr = lrs.at(step);
            Outcome o;
            try (NDManager scope = model.manager().newSubManager()) {
                Prepared p = prepare(batch, scope);
                Random rng = new Random(mix(cfg.seed(), step));
                Tokens t = tokens(corrupt(p.latents(scope), p.cellSchedule(), rng), p);
                boolean[] drop = new boolean[p.captions.size()];
                for (int i = 0; i < drop.length; i++) drop[i] = rng.nextDouble() < cfg.condDropRate();
                o = step(p.captions, drop, t.inputs(), t.gtBits(), p.schedule, lr, step, scope);
            }
            boolean evalNow = step % cfg.evalEvery() == 0 || step == cfg.steps();
            BitLoss.Metrics vm = evalNow ? validate(val) : null;
            double now = (System.nanoTime() - t0) / 1e9;
            StepMetrics m = new StepMetrics(step, o.loss, o.metrics, o.gradNorm, lr, batch.size() / ((System.nanoTime() - ts) / 1e9), now, vm);
            history.add(m);
            csv.append(m);
            if (step % cfg.logEvery() == 0 || step == start + 1 || evalNow) progress(m, start, now);
            boolean stop = step == cfg.stopAfterStep() && step < cfg.steps();
            if (step % cfg.checkpointEvery() == 0 || step == cfg.steps() || stop) checkpoint(store, step, stream.position());
            if (stop) {
                say("stopped after step " + step + " (stopAfterStep); run again to resume");
                return history;
            }
        }
        writeFinal(out);
        return history;
    }

    /** Outcome of one optimisation step. */
    public record Outcome(double loss, BitLoss.Metrics metrics, double gradNorm) {}

    /**
     * One optimisation step: text features (with the unconditional embedding where {@code dropText}), teacher-forced
     * forward on {@code inputs} (B, L - 1, d), bit loss against {@code gt} (B*L*d bits), backward, clipping, AdamW, EMA.
     * All temporaries live on {@code scope}.
     */
    public Outcome step(List<String> captions, boolean[] dropText, NDArray inputs, int[] gt, ScaleSchedule schedule, double lr, int step,
                        NDManager scope) {
        BitLoss lossFn = losses.computeIfAbsent(schedule, s -> new BitLoss(s, cfg.labelSmoothing(), cfg.reweightLossByScale()));
        TextCondition frozen = trainedText == null ? frozenText(captions, scope) : null;
        BitLoss.Terms terms;
        double loss;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            TextCondition tc = frozen != null ? frozen : trainedText.encode(captions, scope);
            tc = withUnconditional(tc, dropText, scope);
            NDArray logits = model.forward(tc, inputs, schedule);
            terms = lossFn.compute(logits, gt, scope);
            loss = terms.loss().getFloat();
            if (!Double.isFinite(loss)) {
                throw new NonFiniteLossException(String.format(Locale.ROOT, "step %d: the loss is %s (lr %.3g); stopped before the update, the last checkpoint is kept as it was",
                        step, loss, lr));
            }
            gc.backward(terms.loss());
        }
        BitLoss.Metrics metrics = lossFn.metrics(terms);
        double norm = clipGlobalNorm();
        if (!Double.isFinite(norm)) {
            decayed.zeroGrad();
            notDecayed.zeroGrad();
            throw new NonFiniteLossException("step " + step + ": the gradient norm is " + norm + " (loss " + loss + "); stopped before the update, the last checkpoint is kept as it was");
        }
        decayed.step(lr);
        notDecayed.step(lr);
        if (ema != null) ema.update();
        return new Outcome(loss, metrics, norm);
    }

    /** The training inputs and labels of raw latents z (B, d, h, w): bitwise self-correction with this run's settings. */
    BitwiseSelfCorrection.Result corrupt(NDArray z, ScaleSchedule schedule, Random rng) {
        return bsc.apply(z, schedule, rng);
    }

    /** Teacher-forcing inputs (B, L - 1, d) and target bits (B*L*d, token-major) in the transformer's tokens. */
    private record Tokens(NDArray inputs, int[] gtBits) {}

    /**
     * Inputs and labels of a prepared batch from the self-correction result on the tokenizer's scales; with spatial
     * patchify every scale's cells are regrouped into tokens of 2x2 cells (as the official trainer does).
     */
    private Tokens tokens(BitwiseSelfCorrection.Result r, Prepared p) {
        if (!patchify) return new Tokens(r.inputs(), gtBits(r.gtBits()));
        ScaleSchedule cells = p.cellSchedule();
        NDList gt = new NDList();
        for (int s = 0; s < cells.size(); s++) gt.add(SpatialPatchify.toTokens(r.gtBits().get(s), cells.get(s)));
        return new Tokens(SpatialPatchify.inputsToTokens(r.inputs(), cells), gtBits(gt));
    }

    /** clip_grad_norm_ over all trained tensors (both optimiser groups); returns the norm before clipping. */
    private double clipGlobalNorm() {
        double a = decayed.clipGradNorm(0), b = notDecayed.clipGradNorm(0), total = Math.hypot(a, b);
        if (cfg.maxGradNorm() > 0 && total > cfg.maxGradNorm() && Double.isFinite(total)) {
            double f = cfg.maxGradNorm() / (total + 1e-6);
            decayed.clipGradNorm(a * f);
            notDecayed.clipGradNorm(b * f);
        }
        return total;
    }

    private TextCondition frozenText(List<String> captions, NDManager scope) {
        TextCondition tc = text.encode(captions);
        tc.features().attach(scope);
        return tc;
    }

    /** Replaces the features of prompt i by the first len_i rows of cfg_uncond where {@code drop[i]} (official cond drop). */
    private TextCondition withUnconditional(TextCondition tc, boolean[] drop, NDManager scope) {
        boolean any = false;
        for (boolean d : drop) any |= d;
        if (!any) return tc;
        NDArray uncond = trained.get("cfg_uncond").array();
        NDList parts = new NDList();
        int[] cu = tc.cuSeqlens();
        for (int i = 0; i < drop.length; i++) {
            NDArray part = drop[i] ? uncond.get("0:{}", tc.lens()[i]) : tc.features().get("{}:{}", cu[i], cu[i + 1]);
            part.attach(scope);
            parts.add(part);
        }
        NDArray features = NDArrays.concat(parts, 0);
        features.attach(scope);
        return TextCondition.of(features, tc.lens());
    }

    // ------------------------------------------------------------------ data

    /** A batch ready for the transformer: captions, the transformer's schedule and the raw latents (host, B*d*h*w). */
    private record Prepared(List<String> captions, ScaleSchedule schedule, boolean patchify, float[] latents, Shape shape) {
        NDArray latents(NDManager m) { return m.create(latents, shape); }

        /** The schedule in tokenizer cells (twice each side with spatial patchify). */
        ScaleSchedule cellSchedule() { return patchify ? SpatialPatchify.cells(schedule) : schedule; }
    }

    private T2IDataset dataset(Path meta, HeldOutSplit split, int batch, long seed) {
        return T2IDataset.builder(meta).imageRoot(split.imageRoot()).batchSize(batch).seed(seed).shortCaptionProb(cfg.shortCaptionProb())
                .pixelSize(cfg.pixelSize(), cfg.pixelSize()).build();
    }

    /** Latents of a batch from the cache, encoding the images not seen before with the frozen encoder. */
    private Prepared prepare(Batch batch, NDManager scope) {
        int p = tokenizer.config().patchSize(), d = tokenizer.config().codebookDim();
        int h = batch.height() / p, w = batch.width() / p, per = d * h * w;
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) if (!latentCache.containsKey(key(batch, i))) missing.add(i);
        if (!missing.isEmpty()) {
            int plane = 3 * batch.height() * batch.width();
            float[] px = new float[missing.size() * plane];
            for (int j = 0; j < missing.size(); j++) System.arraycopy(batch.samples().get(missing.get(j)).pixels(), 0, px, j * plane, plane);
            try (NDManager enc = scope.newSubManager()) {
                float[] z = tokenizer.encoder.forward(enc.create(px, new Shape(missing.size(), 3, batch.height(), batch.width()))).toFloatArray();
                for (int j = 0; j < missing.size(); j++) {
                    float[] one = new float[per];
                    System.arraycopy(z, j * per, one, 0, per);
                    latentCache.put(key(batch, missing.get(j)), one);
                }
            }
        }
        float[] all = new float[batch.size() * per];
        for (int i = 0; i < batch.size(); i++) System.arraycopy(latentCache.get(key(batch, i)), 0, all, i * per, per);
        ScaleSchedule schedule = patchify ? scheduleFor(h / 2, w / 2) : scheduleFor(h, w);
        return new Prepared(batch.captions(), schedule, patchify, all, new Shape(batch.size(), d, h, w));
    }

    /** A well-mixed seed for step-local randomness (SplitMix64 finaliser): resuming at a step redraws the same values. */
    static long mix(long seed, long step) {
        long h = seed * 0x9E3779B97F4A7C15L + step;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    private static String key(Batch b, int i) {
        return b.samples().get(i).record().imagePath() + "@" + b.height() + "x" + b.width();
    }

    /** Per-scale target bits (B, h*w, d) → B*L*d ints in (b, token, bit) order. */
    public static int[] gtBits(List<NDArray> perScale) {
        NDArray all = NDArrays.concat(new NDList(perScale), 1);
        return all.toType(DataType.INT32, false).toIntArray();
    }

    // ------------------------------------------------------------------ validation

    /** The first {@code valBatches} batches of the held-out split, encoded once (the same batches every time). */
    private List<Prepared> prepareValidation(T2IDataset valSet) {
        List<Prepared> out = new ArrayList<>();
        T2IDataset.BatchStream s = valSet.stream();
        int n = Math.min(cfg.valBatches(), Math.max(1, valSet.batchesPerEpoch()));
        try (NDManager scope = model.manager().newSubManager()) {
            for (int i = 0; i < n; i++) out.add(prepare(s.next(), scope));
        }
        return out;
    }

    /**
     * Loss and bit / token accuracy, overall and per scale, of the current model on the first {@code batches}
     * batches of a split in the official layout ({@code meta}: a folder of {@code [h_div_w]_[n].jsonl}), with
     * Bitwise Self-Correction noise of strength {@code noiseStrength} on the first {@code noise_apply_layers}
     * scales of the inputs (0 = clean teacher forcing), as the official evaluation does. Long captions only;
     * deterministic for a given seed.
     */
    public BitLoss.Metrics evaluate(Path meta, int batches, double noiseStrength, long seed) {
        if (tokenizer == null) throw new IllegalStateException("evaluation from images needs a tokenizer");
        T2IDataset set = T2IDataset.builder(meta).batchSize(cfg.batchSize()).seed(seed).shortCaptionProb(0)
                .pixelSize(cfg.pixelSize(), cfg.pixelSize()).build();
        BitwiseSelfCorrection noise = BitwiseSelfCorrection.builder(quantizer).noiseApplyLayers(cfg.noiseApplyLayers())
                .noiseApplyStrength(noiseStrength).requant(cfg.noiseApplyRequant()).build();
        List<Prepared> prepared = new ArrayList<>();
        T2IDataset.BatchStream s = set.stream();
        try (NDManager scope = model.manager().newSubManager()) {
            for (int i = 0; i < Math.max(1, batches); i++) prepared.add(prepare(s.next(), scope));
        }
        return validate(prepared, noise, seed);
    }

    /** Teacher-forced loss and accuracies on the held-out batches (clean inputs, real prompts, no gradient). */
    private BitLoss.Metrics validate(List<Prepared> val) {
        return validate(val, teacherForcing, 0);
    }

    private BitLoss.Metrics validate(List<Prepared> val, BitwiseSelfCorrection inputs, long seed) {
        double loss = 0, bits = 0, tokens = 0, count = 0;
        double[] sl = null, sb = null, st = null;
        for (Prepared p : val) {
            try (NDManager scope = model.manager().newSubManager()) {
                Tokens t = tokens(inputs.apply(p.latents(scope), p.cellSchedule(), new Random(seed)), p);
                TextCondition tc = text.encode(p.captions);
                tc.features().attach(scope);
                NDArray logits = model.forward(tc, t.inputs(), p.schedule);
                BitLoss lossFn = losses.computeIfAbsent(p.schedule, s -> new BitLoss(s, cfg.labelSmoothing(), cfg.reweightLossByScale()));
                BitLoss.Metrics m = lossFn.metrics(lossFn.compute(logits, t.gtBits(), scope));
                double w = p.captions.size();
                loss += m.loss() * w;
                bits += m.bitAcc() * w;
                tokens += m.tokenAcc() * w;
                if (sl == null) { sl = new double[m.scaleLoss().length]; sb = sl.clone(); st = sl.clone(); }
                for (int i = 0; i < Math.min(sl.length, m.scaleLoss().length); i++) {
                    sl[i] += m.scaleLoss()[i] * w;
                    sb[i] += m.scaleBitAcc()[i] * w;
                    st[i] += m.scaleTokenAcc()[i] * w;
                }
                count += w;
            }
        }
        for (int i = 0; i < sl.length; i++) { sl[i] /= count; sb[i] /= count; st[i] /= count; }
        return new BitLoss.Metrics(loss / count, bits / count, tokens / count, sl, sb, st);
    }

    // ------------------------------------------------------------------ checkpoints

    private void checkpoint(CheckpointStore store, int step, DataPosition position) {
        Map<String, Map<String, HostTensor>> parts = new LinkedHashMap<>();
        parts.put("model", tensors(model.namedParameters(), ""));
        if (trainedText != null) parts.put("text", tensors(trainedText.namedParameters(), ""));
        parts.put("optim-decay", decayed.stateTensors());
        parts.put("optim-nodecay", notDecayed.stateTensors());
        if (ema != null) parts.put("ema", ema.tensors());
        for (HostTensor t : parts.get("model").values()) {
            for (float v : t.toFloatArray()) {
                if (!Float.isFinite(v)) throw new NonFiniteLossException("step " + step + ": the weights are not finite; checkpoint not written, the last one is kept");
            }
        }
        JsonObject state = new JsonObject();
        state.addProperty("data_position", position.toJson());
        state.addProperty("seed", cfg.seed());
        state.addProperty("optimizer_steps", decayed.stepCount());
        state.add("model_config", new com.google.gson.Gson().toJsonTree(model.config()));
        state.add("train_config", trainConfigJson());
        store.write(step, parts, state);
    }

    private void restore(CheckpointStore.Loaded ck) {
        ParameterLoader.load(model, ck.parts().get("model"), null, true);
        if (trainedText != null) {
            StateDict t = ck.parts().get("text");
            if (t == null) throw new IllegalStateException(ck.dir() + ": no text encoder weights, but this run trains the text encoder");
            ParameterLoader.load(trainedText, t, null, true);
        }
        long steps = ck.state().get("optimizer_steps").getAsLong();
        decayed.loadState(ck.parts().get("optim-decay").tensors(), steps);
        notDecayed.loadState(ck.parts().get("optim-nodecay").tensors(), steps);
        if (ema != null) {
            StateDict e = ck.parts().get("ema");
            if (e == null) throw new IllegalStateException(ck.dir() + ": no EMA weights, but this run keeps an EMA");
            ema.load(e.tensors());
        }
    }

    private JsonObject trainConfigJson() {
        JsonObject o = new JsonObject();
        o.addProperty("steps", cfg.steps());
        o.addProperty("batch_size", cfg.batchSize());
        o.addProperty("lr", cfg.lr());
        o.addProperty("pixel_size", cfg.pixelSize());
        o.addProperty("noise_apply_layers", cfg.noiseApplyLayers());
        o.addProperty("noise_apply_strength", cfg.noiseApplyStrength());
        o.addProperty("cond_drop_rate", cfg.condDropRate());
        o.addProperty("label_smoothing", cfg.labelSmoothing());
        o.addProperty("reweight_loss_by_scale", cfg.reweightLossByScale());
        o.addProperty("ema_decay", cfg.emaDecay());
        return o;
    }

    private static Map<String, HostTensor> tensors(Map<String, Parameter> named, String prefix) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        named.forEach((k, p) -> out.put(prefix + k, HostTensor.of(p.array())));
        return out;
    }

    /** {@code infinity.safetensors} (+ {@code infinity-ema.safetensors}), {@code infinity.json}, {@code text/} of a finished run. */
    private void writeFinal(Path out) {
        SafeTensors.write(out.resolve("infinity.safetensors"), tensors(model.namedParameters(), ""), Map.of("format", "pt"));
        if (ema != null) {
            Map<String, HostTensor> e = new LinkedHashMap<>();
            ema.tensors().forEach((k, v) -> { if (!k.startsWith("text.")) e.put(k, v); });
            SafeTensors.write(out.resolve("infinity-ema.safetensors"), e, Map.of("format", "pt"));
        }
        AtomicFiles.writeString(out.resolve("infinity.json"), new GsonBuilder().setPrettyPrinting().create().toJson(model.config()));
        if (text instanceof ToyTextEncoder t) t.save(out.resolve("text"));
    }

    // ------------------------------------------------------------------ progress

    private void progress(StepMetrics m, int start, double elapsed) {
        if (cfg.progress() == null) return;
        long eta = Math.round(elapsed / (m.step() - start) * (cfg.steps() - m.step()));
        String val = m.val() == null ? "" : String.format(Locale.ROOT, "  | val loss %.4f bit acc %.2f%%", m.val().loss(), 100 * m.val().bitAcc());
        cfg.progress().printf(Locale.ROOT, "step %d/%d  loss %.4f  bit acc %.2f%%  token acc %.2f%%  |g| %.3f  lr %.2e  %.1f img/s%s  ETA %02d:%02d:%02d%n",
                m.step(), cfg.steps(), m.loss(), 100 * m.train().bitAcc(), 100 * m.train().tokenAcc(), m.gradNorm(), m.lr(), m.imagesPerSec(), val,
                eta / 3600, eta / 60 % 60, eta % 60);
    }

    private void say(String s) {
        if (cfg.progress() != null) cfg.progress().println(s);
    }

    @Override
    public void close() {
        decayed.close();
        notDecayed.close();
        if (ema != null) ema.close();
    }
}
