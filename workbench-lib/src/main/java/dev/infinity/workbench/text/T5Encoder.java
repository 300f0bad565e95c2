package dev.infinity.workbench.text;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.io.DType;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.nn.Embedding;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.ParameterLoader;
import dev.infinity.workbench.nn.RMSNorm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The T5 encoder (v1.1 / flan: RMS norms without bias, relative position buckets computed once and
 * shared by every layer, gated-GELU feed-forward, no biases). Parameter names are Hugging Face's
 * ({@code shared.weight}, {@code encoder.block.N.layer.0.SelfAttention.q.weight},
 * {@code encoder.final_layer_norm.weight}, ...), so {@code model.safetensors} / {@code pytorch_model.bin}
 * load by name.
 */
public class T5Encoder extends Module {
    /** Weight files looked for in a model folder, in this order. */
    static final List<String> WEIGHT_FILES = List.of("model.safetensors", "model.safetensors.index.json",
            "pytorch_model.bin", "pytorch_model.bin.index.json");

    public final T5Config config;
    final Embedding shared;
    final List<T5Block> blocks = new ArrayList<>();
    final RMSNorm finalLayerNorm;

    /** A randomly initialised encoder. */
    public T5Encoder(NDManager manager, T5Config c) {
        super(manager);
        this.config = c;
        shared = child("shared", new Embedding(manager, c.vocabSize(), c.dModel(), 1f));
        for (int i = 0; i < c.numLayers(); i++) {
            blocks.add(child("encoder.block." + i, new T5Block(manager, c.dModel(), c.numHeads(), c.dKv(), c.dFf(),
                    c.gated(), c.activation(), c.layerNormEpsilon(), i == 0 ? c.relativeAttentionNumBuckets() : 0, null)));
        }
        finalLayerNorm = child("encoder.final_layer_norm", new RMSNorm(manager, c.dModel(), c.layerNormEpsilon()));
    }

    /**
     * Loads {@code config.json} and the weights of a Hugging Face T5 folder (safetensors single or sharded,
     * or {@code pytorch_model.bin} single or sharded). Decoder and LM-head tensors are skipped. With
     * {@code keepHalf} the checkpoint's float16/bfloat16 dtype is kept (bfloat16 only off CPU: the CPU engine
     * cannot hold it); otherwise everything is float32.
     */
    public static T5Encoder load(Path folder, NDManager manager, boolean keepHalf) {
        if (!Files.isDirectory(folder)) throw new IllegalArgumentException(folder + ": T5 model folder not found");
        T5Config config = T5Config.read(folder.resolve("config.json"));
        Path weights = WEIGHT_FILES.stream().map(folder::resolve).filter(Files::exists).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(folder + ": no weights (looked for " + String.join(", ", WEIGHT_FILES) + ")"));
        StateDict sd = StateDict.load(weights);
        T5Encoder model = new T5Encoder(manager, config);
        if (keepHalf) {
            String embKey = sd.contains("shared.weight") ? "shared.weight" : "encoder.embed_tokens.weight";
            DType dt = sd.contains(embKey) ? sd.get(embKey).dtype() : DType.FLOAT32;
            if (dt == DType.BFLOAT16 && manager.getDevice().equals(Device.cpu())) {
                throw new IllegalArgumentException(weights + ": bfloat16 weights cannot be kept on the CPU engine; load them as float32");
            }
            if (dt == DType.FLOAT16) model.castTo(DataType.FLOAT16);
            else if (dt == DType.BFLOAT16) model.castTo(DataType.BFLOAT16);
        }
        boolean hasShared = sd.contains("shared.weight");
        ParameterLoader.load(model, sd, key -> {
            if (key.startsWith("decoder.") || key.equals("lm_head.weight")) return null;
            if (key.equals("encoder.embed_tokens.weight")) return hasShared ? null : "shared.weight";
            return key;
        }, true);
        return model;
    }

    public int channels() { return config.dModel(); }

    /**
     * Token ids of a padded batch → last hidden state (B, L, d_model) in the weights' dtype; the result and
     * every temporary are attached to {@code scope}.
     */
    public NDArray forward(TokenBatch tokens, NDManager scope) {
        NDManager m = scope;
        NDArray ids = tokens.idsArray(m);
        int len = tokens.length();
        NDArray buckets = m.create(RelativePositionBucket.table(len, true, config.relativeAttentionNumBuckets(),
                config.relativeAttentionMaxDistance()), new Shape(len, len));
        // position bias of the first layer, shared by all layers, plus the padding mask: (B, H, L, L)
        NDArray bias = blocks.get(0).attention.positionBias(buckets).add(tokens.maskBias(m));
        NDArray x = shared.forward(ids);
        for (T5Block block : blocks) x = block.forward(x, bias);
        return finalLayerNorm.forward(x);
    }
}
