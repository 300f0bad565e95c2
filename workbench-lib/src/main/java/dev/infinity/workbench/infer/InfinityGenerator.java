package dev.infinity.workbench.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.KvCache;
import dev.infinity.workbench.model.SpatialPatchify;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.MultiScaleQuantizer;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Next-scale autoregressive sampling with classifier-free guidance (official {@code autoregressive_infer_cfg}
 * as {@code gen_one_img} calls it):
 * <ol>
 *   <li>with any cfg != 1 the batch is doubled with the unconditional text (the first {@code len} rows of
 *       {@code cfg_uncond} per prompt) or a negative prompt;</li>
 *   <li>per scale: blocks over that scale's tokens with a KV cache; guidance on the logits
 *       ({@code cfg * cond + (1 - cfg) * uncond} after dividing by tau) or on a block's output;</li>
 *   <li>per-bit top-k / top-p sampling ({@link Sampler}), or the forced bits;</li>
 *   <li>codes of the bits are upsampled and summed; the next input is the bilinear resize of the sum,
 *       exactly as the tokenizer builds it ({@link MultiScaleQuantizer});</li>
 *   <li>the sum is decoded by the tokenizer.</li>
 * </ol>
 */
public final class InfinityGenerator {
    private final Infinity model;
    private final BsqVae vae;
    private final MultiScaleQuantizer quantizer;
    private final boolean patchify;     // tokens are 2x2 patches of tokenizer cells (apply_spatial_patchify)

    /** {@code vae} may be null: then images are not decoded and a quantizer of the model's d builds the inputs. */
    public InfinityGenerator(Infinity model, BsqVae vae) {
        this.model = model;
        this.vae = vae;
        this.patchify = model.config().applySpatialPatchify();
        int d = model.config().codebookDim() / (patchify ? 4 : 1);
        if (vae != null && vae.config().codebookDim() != d) {
            throw new IllegalArgumentException("tokenizer has d = " + vae.config().codebookDim() + " bits, the transformer expects " + d
                    + (patchify ? " (4 x " + d + " = " + model.config().codebookDim() + " per 2x2-patchified token)" : ""));
        }
        this.quantizer = vae != null ? vae.quantizer : new MultiScaleQuantizer(d);
    }

    public Infinity model() { return model; }

    /** Generates one image per prompt of {@code text} along {@code schedule}. */
    public Generation generate(TextCondition text, ScaleSchedule schedule, GenerationOptions o) {
        int n = schedule.size(), b = text.batchSize(), d = model.config().codebookDim(), vd = quantizer.dim();
        ScaleSchedule vaeSchedule = patchify ? SpatialPatchify.cells(schedule) : schedule;      // the tokenizer's scales
        double[] cfg = GenerationOptions.perScale(o.cfg(), n, "cfg");
        double[] tau = GenerationOptions.perScale(o.tau(), n, "tau");
        if (schedule.first().tokens() != 1) throw new IllegalArgumentException("the first scale must be 1x1, got " + schedule.first());
        if (o.forcedBits() != null && o.forcedBits().size() < n) {
            throw new IllegalArgumentException(o.forcedBits().size() + " forced bit tensors for " + n + " scales");
        }
        int insertion = o.cfgInsertionLayer() < 0 ? model.depth() + o.cfgInsertionLayer() : -1;
        if (o.cfgInsertionLayer() < 0 && insertion <= 0) {
            throw new IllegalArgumentException("cfg insertion layer " + o.cfgInsertionLayer() + " is outside a model of depth " + model.depth());
        }
        boolean guided = false;
        for (double c : cfg) guided |= c != 1;
        NDManager out = model.manager().newSubManager();   // results live as long as the model (or until Generation.close)
        List<NDArray> bitsOut = new ArrayList<>(), inputs = new ArrayList<>();
        List<HostTensor> logitsOut = new ArrayList<>();
        double[] seconds = new double[n];
        NDArray summed = null, image = null;
        double decodeSeconds = 0;
        try (NDManager work = out.newSubManager()) {
            TextCondition full = batchText(text, guided, o.negative(), work);
            Infinity.Conditioning c = model.condition(full, null);
            NDArray condB = guided ? c.condBD().get("0:{}", b) : c.condBD();
            NDArray h = model.startToken(c);
            KvCache cache = o.kvCache() ? new KvCache(model.depth()) : null;
            NDArray prefix = null;     // without a cache: every token so far, embedded
            Sampler sampler = new Sampler(o.topK(), o.topP(), o.seed(), o.method());
            for (int si = 0; si < n; si++) {
                long t0 = System.nanoTime();
                ScaleSchedule.Scale sc = schedule.get(si);
                double cfgS = cfg[si];
                int layer = cfgS != 1 ? insertion : -1;
                Infinity.BlockHook hook = layer < 0 ? null : (i, x) -> i == layer ? mix(x, cfgS, b, true) : x;
                NDManager step = work.newSubManager();
                h.attach(step);
                NDArray hidden;
                if (cache != null) {
                    hidden = model.step(h, c, schedule, si, si + 1, cache, hook, null);
                } else {
                    NDArray old = prefix;
                    prefix = prefix == null ? h : prefix.concat(h, 1);
                    if (old != null) old.close();
                    hidden = model.step(prefix, c, schedule, 0, si + 1, null, hook, null);
                    hidden = hidden.get(":, {}:", schedule.tokensBefore(si));
                }
                NDArray logits;
                float invTau = (float) (1 / tau[si]);
                if (guided && cfgS != 1 && o.cfgInsertionLayer() == 0) {
                    logits = mix(model.logits(hidden, c.condBD()).mul(invTau), cfgS, b, false);
                } else {
                    logits = model.logits(guided ? hidden.get("0:{}", b) : hidden, condB).mul(invTau);
                }
                float[] host = logits.toFloatArray();                    // (B, l, 2d) → rows of 2 per bit
                if (o.keepLogits()) logitsOut.add(HostTensor.of(host.clone(), b, sc.tokens(), 2L * d));
                ScaleSchedule.Scale vsc = vaeSchedule.get(si);
                NDArray bits = o.forcedBits() != null ? forced(o.forcedBits().get(si), b, vsc, vd, work)
                        : tokenizerBits(sampler.sample(host, 2), b, sc, d, work);          // (B, 1, h, w, d) in tokenizer cells
                bitsOut.add(bits);
                NDArray bhw = bits.reshape(b, vsc.h(), vsc.w(), vd);
                NDArray oldSum = summed;
                summed = quantizer.accumulate(summed, bhw, vaeSchedule.last());
                summed.attach(work);
                if (oldSum != null) oldSum.close();
                if (si < n - 1) {
                    NDArray next = quantizer.nextScaleInput(summed, vaeSchedule.get(si + 1));   // (B, l', d)
                    if (patchify) next = SpatialPatchify.toTokens(next, vaeSchedule.get(si + 1));     // (B, l'/4, 4d)
                    next.attach(work);
                    inputs.add(next);
                    h = model.embedWords(next);
                    if (guided) h = h.concat(h, 0);
                    h.attach(work);
                }
                if (cache != null) for (NDArray a : cache.arrays()) a.attach(work);
                if (prefix != null) prefix.attach(work);
                step.close();
                seconds[si] = (System.nanoTime() - t0) / 1e9;
                if (o.progress() != null) o.progress().accept(new GenerationOptions.ScaleReport(si, n, sc.h(), sc.w(), seconds[si]));
            }
            if (o.decode() && vae != null) {
                long t0 = System.nanoTime();
                image = vae.decode(summed.toDevice(vae.manager().getDevice(), false));
                image.attach(out);
                decodeSeconds = (System.nanoTime() - t0) / 1e9;
            }
            summed.attach(out);
            for (NDArray a : bitsOut) a.attach(out);
            for (NDArray a : inputs) a.attach(out);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return new Generation(out, bitsOut, logitsOut, inputs, summed, image, seconds, decodeSeconds);
    }

    /** Guidance {@code cfg * x[:B] + (1 - cfg) * x[B:]}; for a block output duplicated back to both halves. */
    private static NDArray mix(NDArray x, double cfg, int b, boolean bothHalves) {
        NDArray m = x.get("0:{}", b).mul((float) cfg).add(x.get("{}:", b).mul((float) (1 - cfg)));
        return bothHalves ? m.concat(m, 0) : m;
    }

    /** The text of the batch on the work manager: the prompts, followed (with guidance) by the unconditional or negative text. */
    private TextCondition batchText(TextCondition text, boolean guided, TextCondition negative, NDManager work) {
        if (!guided) {
            NDArray f = text.features().duplicate();
            f.attach(work);
            return TextCondition.of(f, text.lens());
        }
        TextCondition un = negative;
        if (un == null) {
            un = model.unconditional(text.lens());
            un.features().attach(work);
        } else if (un.batchSize() == 1 && text.batchSize() > 1) {
            NDList rep = new NDList();
            int[] lens = new int[text.batchSize()];
            for (int i = 0; i < lens.length; i++) { rep.add(un.features()); lens[i] = un.lens()[0]; }
            un = TextCondition.of(NDArrays.concat(rep, 0), lens);
        } else if (un.batchSize() != text.batchSize()) {
            throw new IllegalArgumentException(un.batchSize() + " negative prompts for " + text.batchSize() + " prompts");
        }
        NDArray features = text.features().concat(un.features().toDevice(text.features().getDevice(), false), 0);
        features.attach(work);
        int[] lens = new int[text.batchSize() * 2];
        System.arraycopy(text.lens(), 0, lens, 0, text.batchSize());
        System.arraycopy(un.lens(), 0, lens, text.batchSize(), text.batchSize());
        return TextCondition.of(features, lens);
    }

    /**
     * Sampled indices (B * h * w * d, 0/1) → (B, 1, h, w, d) int64; with patchify each token's 4d bits are the
     * official {@code pixel_shuffle} of a 2x2 patch: bit c*4 + i*2 + j is cell (2y+i, 2x+j), channel c.
     */
    private NDArray tokenizerBits(int[] idx, int b, ScaleSchedule.Scale sc, int d, NDManager m) {
        long[] v = new long[idx.length];
        for (int i = 0; i < v.length; i++) v[i] = idx[i];
        return SpatialPatchify.tokenBitsToCells(m.create(v, new Shape(b, sc.tokens(), d)), sc, patchify).expandDims(1);
    }

    private static NDArray forced(NDArray given, int b, ScaleSchedule.Scale sc, int d, NDManager m) {
        if (given.getShape().size() != (long) b * sc.tokens() * d) {
            throw new IllegalArgumentException("forced bits of scale " + sc + " have shape " + given.getShape() + ", need (" + b + ", 1, " + sc.h() + ", " + sc.w() + ", " + d + ")");
        }
        NDArray a = given.toType(DataType.INT64, true).reshape(b, 1, sc.h(), sc.w(), d);
        a.attach(m);
        return a;
    }
}
