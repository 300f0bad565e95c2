package dev.infinity.workbench.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Architecture of an Infinity transformer: the constructor arguments of the official {@code Infinity} class
 * that the released models use. Build with {@link #builder()} or start from a preset ({@link #preset(String)}).
 *
 * <p>Derived sizes follow the official code: FFN hidden = {@code round(C * mlpRatio / 256) * 256} (SwiGLU:
 * {@code round(2 * hidden / 3 / 256) * 256}), bitwise head width V = 2d, attentive text pooling with
 * {@code heads = textChannels / (C > 4096 ? 64 : 128)}.
 */
public record InfinityConfig(
        int embedDim, int depth, int numHeads, double mlpRatio,
        int textChannels, int textMaxLen, int codebookDim,
        boolean sharedAln, boolean cosAttn, boolean swiglu, double crossAttnLayerScale,
        int blockChunks, boolean addLvlEmbedOnlyFirstBlock,
        boolean ropeEachSaLayer, int ropeNormalizedByHw, boolean useBitLabel,
        float normEps, int levelEmbeddings, int ffnHiddenDim, boolean applySpatialPatchify) {

    public InfinityConfig {
        if (embedDim <= 0 || depth <= 0 || numHeads <= 0) throw new IllegalArgumentException("embedDim, depth and numHeads must be positive");
        if (embedDim % numHeads != 0) throw new IllegalArgumentException("embedDim " + embedDim + " is not divisible by numHeads " + numHeads);
        if ((embedDim / numHeads) % 4 != 0) throw new IllegalArgumentException("head dim " + embedDim / numHeads + " must be a multiple of 4 for 2-D RoPE");
        if (blockChunks <= 0 || depth % blockChunks != 0) throw new IllegalArgumentException("depth " + depth + " is not divisible by blockChunks " + blockChunks);
        if (textChannels <= 0) throw new IllegalArgumentException("textChannels must be positive (text-conditioned model)");
        if (textChannels / poolHeadDim(embedDim) == 0 || embedDim % (textChannels / poolHeadDim(embedDim)) != 0) {
            throw new IllegalArgumentException("textChannels " + textChannels + " gives " + textChannels / poolHeadDim(embedDim)
                    + " attentive-pool heads (one per " + poolHeadDim(embedDim) + " channels), which must divide embedDim " + embedDim);
        }
        if (ropeNormalizedByHw < 0 || ropeNormalizedByHw > 2) throw new IllegalArgumentException("ropeNormalizedByHw must be 0, 1 or 2");
        if (!ropeEachSaLayer) throw new IllegalArgumentException("rope2d_each_sa_layer=0 is not implemented by the official code either");
        if (!useBitLabel) throw new IllegalArgumentException("only bitwise labels (use_bit_label=1) are supported");
        if (codebookDim <= 0) throw new IllegalArgumentException("codebookDim must be positive");
        if (applySpatialPatchify && codebookDim % 4 != 0) throw new IllegalArgumentException("spatial patchify needs codebookDim = 4 x tokenizer d, got " + codebookDim);
    }

    public int headDim() { return embedDim / numHeads; }

    /** Width of each FFN hidden layer ({@code ffnHiddenDim} if set, else the official rule). */
    public int ffnHidden() {
        if (ffnHiddenDim > 0) return ffnHiddenDim;
        int h = (int) Math.rint(embedDim * mlpRatio / 256) * 256;
        return swiglu ? (int) Math.rint(2.0 * h / 3 / 256) * 256 : h;
    }

    /** Logit channels of the bitwise head: two per bit. */
    public int vocab() { return 2 * codebookDim; }

    public int blocksPerChunk() { return depth / blockChunks; }

    static int poolHeadDim(int embedDim) { return embedDim > 4096 ? 64 : 128; }

    /** Heads of the attentive text pooling ({@code TextAttentivePool}). */
    public int poolHeads() { return textChannels / poolHeadDim(embedDim); }

    /**
     * Learnable parameters (the count {@code sum(p.numel() for p in model.parameters())} prints; buffers such
     * as {@code zero_k_bias} are not counted). Equals {@link Infinity#parameterCount()}.
     */
    public long parameterCount() {
        long c = embedDim, t = textChannels, f = ffnHidden();
        long n = (long) textMaxLen * t;                               // cfg_uncond
        n += c;                                                       // pos_start
        n += t;                                                       // text_norm
        n += c + 2 * c * t + c + c * c + c;                           // attentive pool: mat_q, mat_kv, v_bias, proj
        n += (t * c + c) + (c * c + c);                               // text_proj_for_ca
        n += (long) levelEmbeddings * c;                              // lvl_embed
        n += codebookDim * c + c;                                     // word_embed
        if (sharedAln) n += 6 * c * c + 6 * c;                        // shared_ada_lin
        n += 2 * c * c + 2 * c + (long) vocab() * c + vocab();        // head_nm + head
        long block = numHeads + 3 * c * c + 2 * c + c * c + c;        // sa: scale_mul, mat_qkv, q/v bias, proj
        block += c * c + c + 2 * c * c + c + c * c + c;               // ca: mat_q, mat_kv, v_bias, proj
        block += swiglu ? 3 * c * f : 2 * c * f + f + c;              // ffn
        block += 2 * c;                                               // ca_norm
        block += sharedAln ? 6 * c : 6 * c * c + 6 * c;               // ada_gss or ada_lin
        if (crossAttnLayerScale >= 0) block += c;                     // ca_gamma
        return n + depth * block;
    }

    /**
     * FLOPs (2 per multiply-add) of one forward over {@code queries} tokens per sequence that attend to {@code keys}
     * self-attention keys and {@code textTokens} text tokens, for {@code batch} sequences: linear layers, attention
     * scores and weighted sums, head. For benchmarks.
     */
    public double forwardFlops(long queries, long keys, long textTokens, long batch) {
        double c = embedDim, f = ffnHidden();
        double linear = 2 * (6 * c * c + (swiglu ? 3 : 2) * c * f);   // sa qkv + proj, ca q + proj, ffn
        double attention = 2 * 2 * c * (keys + textTokens);           // q k^T and p v, self + cross
        double head = 2 * c * vocab();
        return batch * queries * (depth * (linear + attention) + head);
    }

    /**
     * The architecture a checkpoint's shapes imply: width, depth, heads, block chunks, d, text channels and
     * length, shared AdaLN, SwiGLU, ca_gamma, FFN width. Flags that leave no trace in the weights (RoPE mode, level
     * embedding per chunk, norm eps) come from {@code flags} (e.g. {@code builder()}: the 2B inference flags).
     */
    public static InfinityConfig fromStateDict(dev.infinity.workbench.io.StateDict sd, Builder flags) {
        java.util.function.Function<String, long[]> shape = k -> {
            if (!sd.contains(k)) throw new IllegalArgumentException(sd.source() + ": not an Infinity checkpoint, no '" + k + "'");
            return sd.get(k).shape();
        };
        int c = (int) shape.apply("pos_start")[2];
        java.util.Set<Integer> chunks = new java.util.TreeSet<>();
        int depth = 0;
        String first = null;
        for (String k : sd.keys()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(block_chunks\\.(\\d+)\\.module\\.\\d+|blocks\\.\\d+)\\.sa\\.mat_qkv\\.weight$").matcher(k);
            if (!m.matches()) continue;
            depth++;
            if (first == null) first = m.group(1);
            if (m.group(2) != null) chunks.add(Integer.parseInt(m.group(2)));
        }
        if (depth == 0) throw new IllegalArgumentException(sd.source() + ": no transformer blocks (…sa.mat_qkv.weight) found");
        String p = first + ".";
        boolean cos = sd.contains(p + "sa.scale_mul_1H11");
        boolean swiglu = sd.contains(p + "ffn.fcg.weight");
        Builder b = flags.build().toBuilder().embedDim(c).depth(depth).blockChunks(chunks.isEmpty() ? 1 : chunks.size())
                .textChannels((int) shape.apply("text_norm.weight")[0]).textMaxLen((int) shape.apply("cfg_uncond")[0])
                .codebookDim((int) shape.apply("word_embed.weight")[1]).sharedAln(sd.contains("shared_ada_lin.1.weight"))
                .cosAttn(cos).swiglu(swiglu).ffnHiddenDim((int) shape.apply(p + "ffn.fc1.weight")[0])
                .crossAttnLayerScale(sd.contains(p + "ca_gamma") ? 1 : -1).levelEmbeddings((int) shape.apply("lvl_embed.weight")[0]);
        if (cos) {
            b.numHeads((int) shape.apply(p + "sa.scale_mul_1H11")[1]);
        } else if (c % flags.numHeads != 0) {
            throw new IllegalArgumentException(sd.source() + ": without cosine attention the head count is not in the weights; set numHeads");
        }
        return b.build();
    }

    public Builder toBuilder() {
        return new Builder().embedDim(embedDim).depth(depth).numHeads(numHeads).mlpRatio(mlpRatio).textChannels(textChannels)
                .textMaxLen(textMaxLen).codebookDim(codebookDim).sharedAln(sharedAln).cosAttn(cosAttn).swiglu(swiglu)
                .crossAttnLayerScale(crossAttnLayerScale).blockChunks(blockChunks).addLvlEmbedOnlyFirstBlock(addLvlEmbedOnlyFirstBlock)
                .ropeEachSaLayer(ropeEachSaLayer).ropeNormalizedByHw(ropeNormalizedByHw).useBitLabel(useBitLabel)
                .normEps(normEps).levelEmbeddings(levelEmbeddings).ffnHiddenDim(ffnHiddenDim).applySpatialPatchify(applySpatialPatchify);
    }

    public static Builder builder() { return new Builder(); }

    /** Preset names accepted by {@link #preset(String)}. */
    public static final Map<String, Supplier<InfinityConfig>> PRESETS = new LinkedHashMap<>();

    static {
        // the released models, with the flags of tools/run_infinity.py + scripts/infer.sh
        PRESETS.put("infinity-2b", () -> builder().embedDim(2048).depth(32).numHeads(16).blockChunks(8).textChannels(2048).textMaxLen(512).codebookDim(32).build());
        PRESETS.put("infinity-8b", () -> builder().embedDim(3584).depth(40).numHeads(28).blockChunks(8).textChannels(2048).textMaxLen(512).codebookDim(56)
                .applySpatialPatchify(true).build());
        PRESETS.put("infinity-20b", () -> builder().embedDim(4608).depth(58).numHeads(36).blockChunks(2).textChannels(2048).textMaxLen(512).codebookDim(64).build());
        // the scaling-study configurations (infinity_layerN in infinity.py; block_chunks 4 in run_infinity.py)
        int[][] layers = {{12, 768, 8}, {16, 1152, 12}, {24, 1536, 16}, {32, 2080, 20}, {40, 2688, 24}, {48, 3360, 28}};
        for (int[] l : layers) {
            PRESETS.put("infinity-layer" + l[0], () -> builder().depth(l[0]).embedDim(l[1]).numHeads(l[2]).blockChunks(4).textChannels(2048).textMaxLen(512).codebookDim(32).build());
        }
        // small CPU configurations (2B inference flags)
        PRESETS.put("toy-bench", () -> builder().embedDim(256).depth(8).numHeads(4).blockChunks(2).textChannels(256).textMaxLen(64).codebookDim(16).build());
        PRESETS.put("small-bench", () -> builder().embedDim(512).depth(12).numHeads(8).blockChunks(2).textChannels(512).textMaxLen(64).codebookDim(16).build());
        PRESETS.put("tiny", () -> builder().embedDim(128).depth(4).numHeads(2).blockChunks(2).textChannels(128).textMaxLen(16).codebookDim(16).build());
        PRESETS.put("micro", () -> builder().embedDim(64).depth(3).numHeads(4).blockChunks(1).textChannels(128).textMaxLen(8).codebookDim(8).build());
    }

    /** A named preset: infinity-2b, infinity-8b, infinity-20b, infinity-layer{12,16,24,32,40,48}, toy-bench, small-bench, tiny, micro. */
    public static InfinityConfig preset(String name) {
        Supplier<InfinityConfig> s = PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (s == null) throw new IllegalArgumentException("unknown Infinity preset '" + name + "' (known: " + PRESETS.keySet() + ")");
        return s.get();
    }

    /** Defaults: the flags of the official 2B inference (shared AdaLN, cosine attention, RoPE mode 2, ...). */
    public static final class Builder {
        private int embedDim = 128, depth = 4, numHeads = 2, textChannels = 128, textMaxLen = 16, codebookDim = 16;
        private double mlpRatio = 4, crossAttnLayerScale = -1;
        private boolean sharedAln = true, cosAttn = true, swiglu = false, addLvlEmbedOnlyFirstBlock = true, ropeEachSaLayer = true, useBitLabel = true;
        private boolean applySpatialPatchify = false;
        private int blockChunks = 1, ropeNormalizedByHw = 2, levelEmbeddings = 15, ffnHiddenDim = 0;
        private float normEps = 1e-6f;

        public Builder embedDim(int v) { embedDim = v; return this; }
        public Builder depth(int v) { depth = v; return this; }
        public Builder numHeads(int v) { numHeads = v; return this; }
        public Builder mlpRatio(double v) { mlpRatio = v; return this; }
        public Builder textChannels(int v) { textChannels = v; return this; }
        public Builder textMaxLen(int v) { textMaxLen = v; return this; }
        public Builder codebookDim(int v) { codebookDim = v; return this; }
        public Builder sharedAln(boolean v) { sharedAln = v; return this; }
        public Builder cosAttn(boolean v) { cosAttn = v; return this; }
        public Builder swiglu(boolean v) { swiglu = v; return this; }
        public Builder crossAttnLayerScale(double v) { crossAttnLayerScale = v; return this; }
        public Builder blockChunks(int v) { blockChunks = v; return this; }
        public Builder addLvlEmbedOnlyFirstBlock(boolean v) { addLvlEmbedOnlyFirstBlock = v; return this; }
        public Builder ropeEachSaLayer(boolean v) { ropeEachSaLayer = v; return this; }
        public Builder ropeNormalizedByHw(int v) { ropeNormalizedByHw = v; return this; }
        public Builder useBitLabel(boolean v) { useBitLabel = v; return this; }
        public Builder normEps(float v) { normEps = v; return this; }
        public Builder levelEmbeddings(int v) { levelEmbeddings = v; return this; }
        /** Overrides the FFN width rule (0 = official {@code round(C * mlp_ratio / 256) * 256}). */
        public Builder ffnHiddenDim(int v) { ffnHiddenDim = v; return this; }
        /**
         * {@code apply_spatial_patchify}: each token carries a 2x2 patch of tokenizer cells (d = 4 x tokenizer d); the
         * tokenizer works at twice the transformer's scales (the 8B model).
         */
        public Builder applySpatialPatchify(boolean v) { applySpatialPatchify = v; return this; }

        public InfinityConfig build() {
            return new InfinityConfig(embedDim, depth, numHeads, mlpRatio, textChannels, textMaxLen, codebookDim, sharedAln, cosAttn, swiglu,
                    crossAttnLayerScale, blockChunks, addLvlEmbedOnlyFirstBlock, ropeEachSaLayer, ropeNormalizedByHw, useBitLabel, normEps, levelEmbeddings,
                    ffnHiddenDim, applySpatialPatchify);
        }
    }
}
