package dev.infinity.workbench.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Arrays;
import java.util.Locale;

/**
 * Hyper-parameters of the BSQ-VAE ({@code vae_model()} → {@code AutoEncoder}): conv widths, levels,
 * codebook width d (bits per latent cell) and the quantizer's loss weights. Presets are the released
 * tokenizers; {@link #fromOfficialArgs} reads the argument namespace the official code builds.
 */
public record VaeConfig(
        int baseChannels,          // base_ch
        int[] encoderChMult,       // encoder_ch_mult: one entry per level
        int[] decoderChMult,       // decoder_ch_mult
        int numResBlocks,          // num_res_blocks (the decoder uses one more per level)
        int codebookDim,           // d = log2(codebook_size)
        int patchSize,             // pixels per latent cell: 16 (5 levels) or 8 (4 levels)
        boolean midAttention,      // cnn_attention == "yes"
        int imageChannels,
        float entropyLossWeight,   // entropy_loss_weight
        float commitmentLossWeight,// commitment_loss_weight
        float diversityGamma,      // diversity_gamma
        int normGroups) {          // GroupNorm groups; 0 = the official rule (groupsFor). Not an official argument.

    public VaeConfig {
        encoderChMult = encoderChMult.clone();
        decoderChMult = decoderChMult.clone();
        if (baseChannels <= 0 || numResBlocks <= 0 || codebookDim <= 0 || imageChannels <= 0) {
            throw new IllegalArgumentException("VaeConfig: base channels, res blocks, codebook dim and image channels must be positive");
        }
        int downs = Integer.numberOfTrailingZeros(patchSize);
        if (patchSize <= 1 || Integer.bitCount(patchSize) != 1) throw new IllegalArgumentException("VaeConfig: patch size " + patchSize + " is not a power of two > 1");
        for (int[] mult : new int[][] {encoderChMult, decoderChMult}) {
            if (mult.length < downs + 1) {
                throw new IllegalArgumentException("VaeConfig: patch size " + patchSize + " needs " + (downs + 1)
                        + " levels (ch_mult entries), got " + Arrays.toString(mult));
            }
            for (int m : mult) groups((long) baseChannels * m, normGroups);
        }
    }

    /**
     * GroupNorm groups for a layer of C channels: {@code normGroups} when set, else the official {@link #groupsFor}.
     * With 32 channels the official rule gives one channel per group, which normalises every feature map on its own
     * and erases flat colour; small tokenizers trained from scratch learn markedly faster with fewer groups.
     */
    public int groups(long channels) { return groups(channels, normGroups); }

    private static int groups(long channels, int normGroups) {
        if (normGroups == 0) return groupsFor(channels);
        if (normGroups < 0 || channels % normGroups != 0) {
            throw new IllegalArgumentException("VaeConfig: " + channels + " channels do not split into norm_groups = " + normGroups);
        }
        return normGroups;
    }

    @Override public int[] encoderChMult() { return encoderChMult.clone(); }
    @Override public int[] decoderChMult() { return decoderChMult.clone(); }

    /** Number of GroupNorm groups for C channels, the official rule: 32 if C % 32 == 0, else 24 if C % 24 == 0. */
    public static int groupsFor(long channels) {
        if (channels % 32 == 0) return 32;
        if (channels % 24 == 0) return 24;
        throw new IllegalArgumentException("VaeConfig: GroupNorm needs a channel count divisible by 32 or 24, got " + channels);
    }

    /** Levels of the encoder that downsample ({@code i < log2(patch)}). */
    public int downsamplings() { return Integer.numberOfTrailingZeros(patchSize); }

    /** Channels at the lowest resolution (mid blocks) of the encoder. */
    public int encoderMidChannels() { return baseChannels * encoderChMult[encoderChMult.length - 1]; }

    public int decoderMidChannels() { return baseChannels * decoderChMult[decoderChMult.length - 1]; }

    // ---- presets -------------------------------------------------------------------------------

    /** The released tokenizers (infinity_vae_d16/d24/d32/d64.pth): base 128, ch_mult [1,2,4,4,4], patch 16. */
    public static VaeConfig released(int d) {
        return builder().codebookDim(d).build();
    }

    public static VaeConfig d16() { return released(16); }
    public static VaeConfig d24() { return released(24); }
    public static VaeConfig d32() { return released(32); }
    public static VaeConfig d64() { return released(64); }

    /** infinity_vae_d32reg.pth: the official code loads it with vae_type 32, i.e. the d32 architecture. */
    public static VaeConfig d32Reg() { return released(32); }

    /** The spatial-patchify variant (apply_spatial_patchify=1): patch 8, ch_mult [1,2,4,4]. */
    public static VaeConfig patchify(int d) {
        return builder().codebookDim(d).patchSize(8).chMult(1, 2, 4, 4).build();
    }

    /** The golden tiny tokenizer: base 32, ch_mult [1,2,2,2,2], d 16, patch 16. */
    public static VaeConfig tiny() {
        return builder().baseChannels(32).chMult(1, 2, 2, 2, 2).codebookDim(16).build();
    }

    /** Preset by name: d16, d24, d32, d64, d32-reg, tiny, patchify-dN. */
    public static VaeConfig preset(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("_", "-");
        switch (n) {
            case "tiny": return tiny();
            case "d32-reg":
            case "d32reg": return d32Reg();
            default:
                try {
                    if (n.startsWith("patchify-d")) return patchify(Integer.parseInt(n.substring("patchify-d".length())));
                    if (n.startsWith("d")) return released(Integer.parseInt(n.substring(1)));
                } catch (NumberFormatException ignored) {
                    // fall through
                }
                throw new IllegalArgumentException("unknown tokenizer preset '" + name + "' (d16, d24, d32, d64, d32-reg, tiny, patchify-dN)");
        }
    }

    /**
     * Reads the official {@code AutoEncoder} argument namespace (golden {@code construct.autoencoder_args});
     * options that change the architecture in ways this implementation does not have are rejected by name.
     */
    public static VaeConfig fromOfficialArgs(JsonObject a) {
        requireValue(a, "cnn_type", "2d");
        requireValue(a, "norm_type", "group");
        requireValue(a, "quantizer_type", "MultiScaleBSQ");
        requireValue(a, "cnn_norm_axis", "spatial");
        for (String off : new String[] {"use_vae", "use_pxsf", "use_freq_dec", "use_freq_enc", "ln_before_quant", "preserve_norm", "use_decay_factor"}) {
            if (a.has(off) && a.get(off).getAsBoolean()) throw new IllegalArgumentException("autoencoder_args." + off + " = true is not supported");
        }
        if (a.has("new_quant") && !a.get("new_quant").getAsBoolean()) throw new IllegalArgumentException("autoencoder_args.new_quant = false is not supported");
        int d = a.get("codebook_dim").getAsInt();
        if (a.has("codebook_size") && a.get("codebook_size").getAsDouble() != Math.pow(2, d)) {
            throw new IllegalArgumentException("autoencoder_args: codebook_size " + a.get("codebook_size") + " != 2^codebook_dim (" + d + "); projections are not supported");
        }
        return builder()
                .baseChannels(a.get("base_ch").getAsInt())
                .encoderChMult(ints(a.get("encoder_ch_mult")))
                .decoderChMult(ints(a.get("decoder_ch_mult")))
                .numResBlocks(a.get("num_res_blocks").getAsInt())
                .codebookDim(d)
                .patchSize(a.get("patch_size").getAsInt())
                .midAttention(a.has("cnn_attention") && "yes".equals(a.get("cnn_attention").getAsString()))
                .imageChannels(a.has("image_channels") ? a.get("image_channels").getAsInt() : 3)
                .entropyLossWeight(a.has("entropy_loss_weight") ? a.get("entropy_loss_weight").getAsFloat() : 0.1f)
                .commitmentLossWeight(a.has("commitment_loss_weight") ? a.get("commitment_loss_weight").getAsFloat() : 0.25f)
                .diversityGamma(a.has("diversity_gamma") ? a.get("diversity_gamma").getAsFloat() : 1f)
                .normGroups(a.has("norm_groups") ? a.get("norm_groups").getAsInt() : 0)
                .build();
    }

    /** The inverse of {@link #fromOfficialArgs}: the official argument names for the fields of this config. */
    public JsonObject toOfficialArgs() {
        JsonObject a = new JsonObject();
        a.addProperty("base_ch", baseChannels);
        a.add("encoder_ch_mult", new com.google.gson.Gson().toJsonTree(encoderChMult));
        a.add("decoder_ch_mult", new com.google.gson.Gson().toJsonTree(decoderChMult));
        a.addProperty("num_res_blocks", numResBlocks);
        a.addProperty("codebook_dim", codebookDim);
        a.addProperty("patch_size", patchSize);
        a.addProperty("cnn_attention", midAttention ? "yes" : "no");
        a.addProperty("image_channels", imageChannels);
        a.addProperty("entropy_loss_weight", entropyLossWeight);
        a.addProperty("commitment_loss_weight", commitmentLossWeight);
        a.addProperty("diversity_gamma", diversityGamma);
        if (normGroups != 0) a.addProperty("norm_groups", normGroups);   // ours: absent from official configs
        return a;
    }

    private static void requireValue(JsonObject a, String key, String want) {
        if (a.has(key) && !a.get(key).isJsonNull() && !want.equals(a.get(key).getAsString())) {
            throw new IllegalArgumentException("autoencoder_args." + key + " = " + a.get(key) + " is not supported (only '" + want + "')");
        }
    }

    private static int[] ints(JsonElement e) {
        int[] out = new int[e.getAsJsonArray().size()];
        for (int i = 0; i < out.length; i++) out[i] = e.getAsJsonArray().get(i).getAsInt();
        return out;
    }

    public Builder toBuilder() {
        return new Builder().baseChannels(baseChannels).encoderChMult(encoderChMult).decoderChMult(decoderChMult)
                .numResBlocks(numResBlocks).codebookDim(codebookDim).patchSize(patchSize).midAttention(midAttention)
                .imageChannels(imageChannels).entropyLossWeight(entropyLossWeight).commitmentLossWeight(commitmentLossWeight)
                .diversityGamma(diversityGamma).normGroups(normGroups);
    }

    public static Builder builder() { return new Builder(); }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "VaeConfig(base=%d, enc=%s, dec=%s, res=%d, d=%d, patch=%d%s%s)", baseChannels,
                Arrays.toString(encoderChMult), Arrays.toString(decoderChMult), numResBlocks, codebookDim, patchSize,
                midAttention ? ", mid-attention" : "", normGroups != 0 ? ", norm_groups=" + normGroups : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaeConfig c && baseChannels == c.baseChannels && Arrays.equals(encoderChMult, c.encoderChMult)
                && Arrays.equals(decoderChMult, c.decoderChMult) && numResBlocks == c.numResBlocks && codebookDim == c.codebookDim
                && patchSize == c.patchSize && midAttention == c.midAttention && imageChannels == c.imageChannels
                && entropyLossWeight == c.entropyLossWeight && commitmentLossWeight == c.commitmentLossWeight
                && diversityGamma == c.diversityGamma && normGroups == c.normGroups;
    }

    @Override
    public int hashCode() { return toString().hashCode(); }

    /** Defaults are the official {@code vae_model()} values (d32 architecture). */
    public static final class Builder {
        private int baseChannels = 128;
        private int[] encoderChMult = {1, 2, 4, 4, 4};
        private int[] decoderChMult = {1, 2, 4, 4, 4};
        private int numResBlocks = 2;
        private int codebookDim = 32;
        private int patchSize = 16;
        private boolean midAttention;
        private int imageChannels = 3;
        private float entropyLossWeight = 0.1f;
        private float commitmentLossWeight = 0.25f;
        private float diversityGamma = 1f;
        private int normGroups;

        public Builder baseChannels(int v) { baseChannels = v; return this; }
        public Builder encoderChMult(int... v) { encoderChMult = v.clone(); return this; }
        public Builder decoderChMult(int... v) { decoderChMult = v.clone(); return this; }
        /** Same multipliers for encoder and decoder. */
        public Builder chMult(int... v) { return encoderChMult(v).decoderChMult(v); }
        public Builder numResBlocks(int v) { numResBlocks = v; return this; }
        public Builder codebookDim(int v) { codebookDim = v; return this; }
        public Builder patchSize(int v) { patchSize = v; return this; }
        public Builder midAttention(boolean v) { midAttention = v; return this; }
        public Builder imageChannels(int v) { imageChannels = v; return this; }
        public Builder entropyLossWeight(float v) { entropyLossWeight = v; return this; }
        public Builder commitmentLossWeight(float v) { commitmentLossWeight = v; return this; }
        public Builder diversityGamma(float v) { diversityGamma = v; return this; }
        /** GroupNorm groups of every layer (0: the official 32-or-24 rule). */
        public Builder normGroups(int v) { normGroups = v; return this; }

        public VaeConfig build() {
            return new VaeConfig(baseChannels, encoderChMult, decoderChMult, numResBlocks, codebookDim, patchSize, midAttention,
                    imageChannels, entropyLossWeight, commitmentLossWeight, diversityGamma, normGroups);
        }
    }
}
