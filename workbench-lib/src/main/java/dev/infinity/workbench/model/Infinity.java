package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.nn.Linear;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.Parameter;
import dev.infinity.workbench.nn.ParameterLoader;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Infinity transformer (official {@code infinity.models.infinity.Infinity}, text-conditioned, bitwise
 * labels); parameter names are the official state-dict keys, blocks under {@code block_chunks.<c>.module.<j>.}
 * (or {@code blocks.<i>.} with one chunk).
 *
 * <p>Conditioning: text features → RMSNorm → attentive pooling ({@code cond_BD}) and an MLP for the
 * cross-attention keys/values. Sequence: token 0 = {@code cond_BD + pos_start}, then the word embedding of the
 * d-dimensional next-scale inputs, scale by scale (row-major), plus a level embedding per scale. Blocks use
 * block-causal self-attention (see {@link SelfAttention}); the head maps to 2d logits per token, viewed
 * (d, 2): logit of bit j = 0 and = 1.
 *
 * <p>{@link #forward} is the teacher-forced (training) pass; {@link #step} runs one or more scales against a
 * {@link KvCache}, as autoregressive inference does. Both share the same per-scale attention.
 */
public final class Infinity extends Module {
    /** Buffers of the official module that may appear in checkpoints but are not parameters. */
    private static final Set<String> IGNORED_KEYS = Set.of("lvl_1L", "attn_bias_for_masking", "Infinity_visible_kvlen", "Infinity_invisible_qlen");

    private final InfinityConfig config;
    final Parameter cfgUncond, posStart, textNormWeight, lvlEmbed;
    final CrossAttention textPool;
    final Linear textCa0, textCa2, wordEmbed, sharedAdaLin, headAdaLin, head;
    private final List<CrossAttnBlock> blocks = new ArrayList<>();
    private final Map<ScaleSchedule, Rope2d.Table> ropeTables = new ConcurrentHashMap<>();

    /** Text conditioning of a batch: pooled {@code cond_BD} (B, D), the block condition, cross-attention source. */
    public record Conditioning(NDArray condBD, NDArray blockCond, NDArray caKv, int[] cuSeqlens) {
        public int batch() { return cuSeqlens.length - 1; }
    }

    /** Called after each block (0-based layer index) with its output; returns the hidden state to continue with. */
    @FunctionalInterface
    public interface BlockHook {
        NDArray after(int layer, NDArray h);
    }

    /** A model with random weights (official-style initialisation where it matters: AdaLN, cfg_uncond). */
    public Infinity(NDManager manager, InfinityConfig config) {
        super(manager);
        this.config = config;
        int c = config.embedDim(), t = config.textChannels();
        float initStd = (float) Math.sqrt(1.0 / c / 3);
        cfgUncond = param("cfg_uncond", truncNormal(new Shape(config.textMaxLen(), t), 1.2f).div((float) Math.sqrt(t)));
        posStart = param("pos_start", truncNormal(new Shape(1, 1, c), initStd));
        textNormWeight = param("text_norm.weight", manager.ones(new Shape(t)));
        textPool = child("text_proj_for_sos.ca", new CrossAttention(manager, c, t, config.poolHeads(), true));
        textCa0 = child("text_proj_for_ca.0", new Linear(manager, t, c, true));
        textCa2 = child("text_proj_for_ca.2", new Linear(manager, c, c, true));
        lvlEmbed = param("lvl_embed.weight", truncNormal(new Shape(config.levelEmbeddings(), c), initStd));
        wordEmbed = child("word_embed", new Linear(manager, config.codebookDim(), c, true));
        sharedAdaLin = config.sharedAln() ? child("shared_ada_lin.1", new Linear(manager, c, 6L * c, true)) : null;
        headAdaLin = child("head_nm.ada_lin.1", new Linear(manager, c, 2L * c, true));
        head = child("head", new Linear(manager, c, config.vocab(), true));
        for (int i = 0; i < config.depth(); i++) blocks.add(child(blockPrefix(i), new CrossAttnBlock(manager, config)));
    }

    public InfinityConfig config() { return config; }
    public int depth() { return blocks.size(); }

    /** The state-dict prefix of block i (without the trailing dot). */
    public String blockPrefix(int i) {
        if (config.blockChunks() == 1) return "blocks." + i;
        return "block_chunks." + (i / config.blocksPerChunk()) + ".module." + (i % config.blocksPerChunk());
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads a checkpoint (plain state dict, or {@code trainer/gpt_fsdp} of a training checkpoint) with the
     * architecture its shapes imply and the flags of the official 2B inference ({@link InfinityConfig#fromStateDict}).
     */
    public static Infinity load(NDManager manager, Path checkpoint) {
        return load(manager, StateDict.load(checkpoint), InfinityConfig.builder());
    }

    /** Loads a state dict with the architecture its shapes imply and the other flags from {@code flags}. */
    public static Infinity load(NDManager manager, StateDict sd, InfinityConfig.Builder flags) {
        Infinity model = new Infinity(manager, InfinityConfig.fromStateDict(sd, flags));
        model.loadStateDict(sd);
        return model;
    }

    /** Builds a model for {@code config} and loads a checkpoint (plain state dict or a training checkpoint). */
    public static Infinity load(NDManager manager, InfinityConfig config, Path checkpoint) {
        Infinity model = new Infinity(manager, config);
        model.loadStateDict(StateDict.load(checkpoint));
        return model;
    }

    /**
     * Loads weights like the official {@code load_state_dict}: bf16/fp16 become float32, {@code cfg_uncond} is
     * truncated or padded (with this model's own rows) to {@code text_maxlen}, non-parameter buffers are
     * ignored. Any shape mismatch, missing or unknown key is an error naming the first offending key.
     */
    public ParameterLoader.Report loadStateDict(StateDict sd) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>(sd.tensors());
        IGNORED_KEYS.forEach(tensors::remove);
        HostTensor uncond = tensors.get("cfg_uncond");
        if (uncond != null && uncond.rank() == 2 && uncond.shape()[1] == config.textChannels() && uncond.shape()[0] != config.textMaxLen()) {
            tensors.put("cfg_uncond", adaptUncond(uncond));
        }
        ParameterLoader.Report r = ParameterLoader.load(this, new StateDict(sd.source(), tensors), null, false);
        if (!r.shapeMismatches().isEmpty()) {
            throw new IllegalArgumentException(sd.source() + " does not fit this Infinity config (width " + config.embedDim() + ", depth "
                    + config.depth() + ", heads " + config.numHeads() + ", d " + config.codebookDim() + ", text " + config.textChannels()
                    + "): first mismatched key " + r.shapeMismatches().get(0));
        }
        if (!r.missing().isEmpty()) {
            throw new IllegalArgumentException(sd.source() + ": " + r.missing().size() + " model tensors are missing from the checkpoint, first '"
                    + r.missing().get(0) + "' (wrong block_chunks or flags?)");
        }
        if (!r.unexpected().isEmpty()) {
            throw new IllegalArgumentException(sd.source() + ": " + r.unexpected().size() + " checkpoint tensors have no place in the model, first '"
                    + r.unexpected().get(0) + "' (wrong depth, block_chunks or flags?)");
        }
        return r;
    }

    private HostTensor adaptUncond(HostTensor old) {
        int rows = config.textMaxLen(), t = config.textChannels();
        float[] out = cfgUncond.array().toFloatArray();
        float[] src = old.toFloatArray();
        System.arraycopy(src, 0, out, 0, Math.min(rows, (int) old.shape()[0]) * t);
        return HostTensor.of(out, rows, t);
    }

    // ---------------------------------------------------------------- text

    /** The unconditional text: for each prompt length, the first rows of {@code cfg_uncond}, packed. */
    public TextCondition unconditional(int[] lens) {
        NDList parts = new NDList();
        for (int len : lens) {
            if (len > config.textMaxLen()) throw new IllegalArgumentException("prompt of " + len + " tokens exceeds text_maxlen " + config.textMaxLen());
            parts.add(cfgUncond.array().get("0:{}", len));   // views of the parameter, copied below
        }
        NDArray packed = parts.size() == 1 ? parts.head().duplicate() : NDArrays.concat(parts, 0);
        parts.close();
        return TextCondition.of(packed, lens);
    }

    /** Runs the text side: RMSNorm, attentive pooling, shared AdaLN projection, cross-attention MLP. */
    public Conditioning condition(TextCondition text, Map<String, NDArray> trace) {
        if (text.channels() != config.textChannels()) {
            throw new IllegalArgumentException("text features have " + text.channels() + " channels, the model expects " + config.textChannels());
        }
        NDArray kv = Functional.rmsNorm(text.features(), textNormWeight.array(), config.normEps());
        NDArray condBD = textPool.pool(textPool.textKv(kv, text.cuSeqlens()));
        NDArray caKv = textCa2.forward(Functional.geluTanh(textCa0.forward(kv)));
        NDArray blockCond = sharedAdaLin == null ? condBD : sharedAdaLin.forward(Functional.silu(condBD)).reshape(-1, 1, 6, config.embedDim());
        record(trace, "text_norm_out", kv);
        record(trace, "cond_BD", condBD);
        record(trace, "cond_BD_or_gss", blockCond);
        record(trace, "ca_kv_compact", caKv);
        return new Conditioning(condBD, blockCond, caKv, text.cuSeqlens());
    }

    // ---------------------------------------------------------------- sequence

    /** Token 0 of every sequence: {@code cond_BD + pos_start}, (B, 1, C). */
    public NDArray startToken(Conditioning c) {
        return c.condBD().expandDims(1).add(posStart.array());
    }

    /** Word embedding of next-scale inputs (B, l, d) → (B, l, C). */
    public NDArray embedWords(NDArray x) {
        return wordEmbed.forward(x);
    }

    /** Adds {@code lvl_embed[s]} to the tokens of every scale s in [s0, s1) of h (B, l, C). */
    private NDArray addLevel(NDArray h, ScaleSchedule schedule, int s0, int s1) {
        NDList parts = new NDList();
        for (int s = s0; s < s1; s++) {
            if (s >= config.levelEmbeddings()) throw new IllegalArgumentException("schedule has " + schedule.size() + " scales, the model has " + config.levelEmbeddings() + " level embeddings");
            parts.add(Ops.onManagerOf(h, lvlEmbed.array().get(s)).broadcast(1, schedule.get(s).tokens(), config.embedDim()));
        }
        return h.add(parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 1));
    }

    /** The RoPE table of a schedule (cached). */
    public Rope2d.Table rope(ScaleSchedule schedule) {
        return ropeTables.computeIfAbsent(schedule, s -> Rope2d.table(config.headDim(), config.ropeNormalizedByHw(), s, Rope2d.reference(s)));
    }

    /**
     * Runs all blocks over the tokens of scales [s0, s1) of {@code schedule}, h (B, l, C) without level
     * embedding. With a cache, keys/values of the earlier scales come from it and these are appended; without,
     * s0 must be 0. Returns the last hidden state (B, l, C).
     */
    public NDArray step(NDArray h, Conditioning c, ScaleSchedule schedule, int s0, int s1, KvCache cache, BlockHook hook, Map<String, NDArray> trace) {
        if (cache == null && s0 != 0) throw new IllegalArgumentException("without a KV cache the tokens must start at scale 0");
        int from = schedule.tokensBefore(s0), count = schedule.tokensBefore(s1) - from;
        if (h.getShape().get(1) != count) throw new IllegalArgumentException("scales " + s0 + ".." + (s1 - 1) + " have " + count + " tokens, got " + h.getShape());
        int[] segments = new int[s1 - s0];
        for (int s = s0; s < s1; s++) segments[s - s0] = schedule.get(s).tokens();
        NDArray[] cs = rope(schedule).slice(h.getManager(), from, count);
        for (int i = 0; i < blocks.size(); i++) {
            boolean chunkStart = i % config.blocksPerChunk() == 0;
            if (chunkStart && (i == 0 || !config.addLvlEmbedOnlyFirstBlock())) {
                h = addLevel(h, schedule, s0, s1);
                record(trace, "block_in." + i / config.blocksPerChunk(), h);
            }
            KvCache.Layer layer = cache == null ? null : cache.layer(i);
            CrossAttention.TextKv textKv = layer != null && layer.textKv != null ? layer.textKv : blocks.get(i).ca.textKv(c.caKv(), c.cuSeqlens());
            if (layer != null) layer.textKv = textKv;
            h = blocks.get(i).forward(h, c.blockCond(), textKv, cs[0], cs[1], segments, layer);
            if (hook != null) h = hook.after(i, h);
            record(trace, "block_out." + i, h);
        }
        return h;
    }

    /** The bitwise head: {@code head(LN(h) * (1 + scale) + shift)} with (scale, shift) from cond_BD; (B, l, 2d). */
    public NDArray logits(NDArray h, NDArray condBD) {
        NDList ss = headAdaLin.forward(Functional.silu(condBD)).reshape(-1, 1, 2, config.embedDim()).split(2, 2);
        return head.forward(Ops.adaLayerNorm(h, ss.get(0).squeeze(2), ss.get(1).squeeze(2), config.normEps()));
    }

    /** Teacher-forced forward (the training path, no padding): logits (B, L, 2d). */
    public NDArray forward(TextCondition text, NDArray xBLCwoPrefix, ScaleSchedule schedule) {
        return forward(text, xBLCwoPrefix, schedule, null);
    }

    /**
     * Teacher-forced forward. {@code xBLCwoPrefix} (B, L - 1, d) holds the inputs of every scale after the first;
     * {@code trace}, if not null, receives the intermediates under the golden names.
     */
    public NDArray forward(TextCondition text, NDArray xBLCwoPrefix, ScaleSchedule schedule, Map<String, NDArray> trace) {
        Shape xs = xBLCwoPrefix.getShape();
        if (xs.dimension() != 3 || xs.get(1) != schedule.tokens() - 1 || xs.get(2) != config.codebookDim()) {
            throw new IllegalArgumentException("x_BLC_wo_prefix must be (B, " + (schedule.tokens() - 1) + ", " + config.codebookDim() + ") for schedule "
                    + schedule + ", got " + xs);
        }
        if (schedule.first().tokens() != 1) throw new IllegalArgumentException("the first scale must be 1x1, got " + schedule.first());
        if (text.batchSize() != xs.get(0)) throw new IllegalArgumentException(text.batchSize() + " prompts for a batch of " + xs.get(0));
        // the pass runs in a scope of x's manager, whichever manager holds the text: only the logits (and the trace) outlive it
        NDManager caller = xBLCwoPrefix.getManager();
        try (NDManager scope = caller.newSubManager()) {
            text.features().tempAttach(scope);
            xBLCwoPrefix.tempAttach(scope);
            Conditioning c = condition(text, trace);
            NDArray words = embedWords(xBLCwoPrefix);
            record(trace, "word_embed_out", words);
            NDArray h = startToken(c).concat(words, 1);
            h = step(h, c, schedule, 0, schedule.size(), null, null, trace);
            NDArray logits = logits(h, c.condBD());
            logits.attach(caller);
            if (trace != null) trace.values().forEach(a -> a.attach(caller));
            return logits;
        }
    }

    private static void record(Map<String, NDArray> trace, String name, NDArray a) {
        if (trace != null) trace.put(name, a);
    }

    /** Blocks in order (read-only), for inspection. */
    public List<CrossAttnBlock> blocks() { return Collections.unmodifiableList(blocks); }
}
