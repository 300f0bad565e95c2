package dev.infinity.workbench.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

/** What the {@code infinity_*} runners read from a case: the config, the weights, the text, the schedule. */
final class InfinityCases {
    private InfinityCases() {}

    /** The model config from {@code construct.kwargs} (official constructor arguments) and the VAE's codebook dim. */
    static InfinityConfig config(GoldenCase g) {
        JsonObject construct = g.json().getAsJsonObject("construct");
        JsonObject k = construct.getAsJsonObject("kwargs");
        InfinityConfig.Builder b = InfinityConfig.builder()
                .embedDim(k.get("embed_dim").getAsInt()).depth(k.get("depth").getAsInt()).numHeads(k.get("num_heads").getAsInt())
                .textChannels(k.get("text_channels").getAsInt()).textMaxLen(k.get("text_maxlen").getAsInt())
                .codebookDim(construct.getAsJsonObject("vae_local").get("codebook_dim").getAsInt()
                        * (k.has("apply_spatial_patchify") && k.get("apply_spatial_patchify").getAsInt() != 0 ? 4 : 1));
        if (k.has("mlp_ratio")) b.mlpRatio(k.get("mlp_ratio").getAsDouble());
        if (k.has("shared_aln")) b.sharedAln(k.get("shared_aln").getAsBoolean());
        if (k.has("cos_attn")) b.cosAttn(k.get("cos_attn").getAsBoolean());
        if (k.has("swiglu")) b.swiglu(k.get("swiglu").getAsBoolean());
        if (k.has("cross_attn_layer_scale")) b.crossAttnLayerScale(k.get("cross_attn_layer_scale").getAsDouble());
        if (k.has("norm_eps")) b.normEps(k.get("norm_eps").getAsFloat());
        if (k.has("block_chunks")) b.blockChunks(k.get("block_chunks").getAsInt());
        if (k.has("add_lvl_embeding_only_first_block")) b.addLvlEmbedOnlyFirstBlock(k.get("add_lvl_embeding_only_first_block").getAsInt() != 0);
        if (k.has("rope2d_each_sa_layer")) b.ropeEachSaLayer(k.get("rope2d_each_sa_layer").getAsInt() != 0);
        if (k.has("rope2d_normalized_by_hw")) b.ropeNormalizedByHw(k.get("rope2d_normalized_by_hw").getAsInt());
        if (k.has("use_bit_label")) b.useBitLabel(k.get("use_bit_label").getAsInt() != 0);
        if (k.has("apply_spatial_patchify")) b.applySpatialPatchify(k.get("apply_spatial_patchify").getAsInt() != 0);
        return b.build();
    }

    /** The model with the case's weights ({@code weights.file}, state dict or dict container). */
    static Infinity model(GoldenCase g, NDManager manager) {
        JsonObject w = g.json().getAsJsonObject("weights");
        JsonObject container = w.getAsJsonObject("container");
        String[] keyPath = container != null && container.has("key") ? container.get("key").getAsString().split("/") : new String[0];
        Infinity model = new Infinity(manager, config(g));
        model.loadStateDict(StateDict.load(g.resolve(w.get("file").getAsString()), keyPath));
        return model;
    }

    static ScaleSchedule schedule(GoldenCase g) {
        JsonArray a = g.json().getAsJsonArray("scale_schedule");
        int[][] thw = new int[a.size()][];
        for (int i = 0; i < thw.length; i++) {
            JsonArray r = a.get(i).getAsJsonArray();
            thw[i] = new int[] {r.get(0).getAsInt(), r.get(1).getAsInt(), r.get(2).getAsInt()};
        }
        return ScaleSchedule.fromTriples(thw);
    }

    /** The packed prompt features {@code kv_compact} with {@code lens} (checked against {@code cu_seqlens_k}). */
    static TextCondition text(GoldenCase g, NDManager manager) {
        NDArray features = g.load("kv_compact").toNDArray(manager);
        long[] lens = g.load("lens").toLongArray();
        int[] l = new int[lens.length];
        for (int i = 0; i < l.length; i++) l[i] = Math.toIntExact(lens[i]);
        TextCondition t = TextCondition.of(features, l);
        long[] cu = g.load("cu_seqlens_k").toLongArray();
        for (int i = 0; i < cu.length; i++) {
            if (cu[i] != t.cuSeqlens()[i]) throw new IllegalArgumentException(g.name() + ": cu_seqlens_k disagrees with lens");
        }
        return t;
    }
}
