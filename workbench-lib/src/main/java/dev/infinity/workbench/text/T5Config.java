package dev.infinity.workbench.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The encoder half of a Hugging Face T5 {@code config.json}. Supports the v1.1 / flan layout (gated-GELU
 * feed-forward, {@code feed_forward_proj = "gated-gelu"}) and the original T5 (ReLU feed-forward).
 *
 * @param gated        feed-forward is {@code wo(act(wi_0 x) * wi_1 x)}; otherwise {@code wo(act(wi x))}
 * @param activation   {@code gelu_new} (tanh approximation, what HF uses for "gated-gelu") or {@code relu}
 */
public record T5Config(int vocabSize, int dModel, int dKv, int dFf, int numLayers, int numHeads,
                       int relativeAttentionNumBuckets, int relativeAttentionMaxDistance, float layerNormEpsilon,
                       boolean gated, String activation) {

    /** flan-t5-base's encoder sizes. */
    public static T5Config flanT5Base() {
        return new T5Config(32128, 768, 64, 2048, 12, 12, 32, 128, 1e-6f, true, "gelu_new");
    }

    /** Reads {@code config.json}; rejects other architectures with an error naming the file. */
    public static T5Config read(Path configJson) {
        JsonObject c;
        try {
            c = JsonParser.parseString(Files.readString(configJson)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(configJson + ": file not found (a Hugging Face T5 folder needs config.json)");
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(configJson + ": not a valid JSON object: " + e.getMessage());
        }
        String modelType = c.has("model_type") ? c.get("model_type").getAsString() : "(none)";
        if (!modelType.equals("t5") && !modelType.equals("mt5")) {
            throw new IllegalArgumentException(configJson + ": model_type is '" + modelType + "', expected 't5' (a T5 / flan-T5 encoder)");
        }
        if (c.has("architectures")) {
            for (JsonElement a : c.getAsJsonArray("architectures")) {
                String arch = a.getAsString();
                if (!arch.startsWith("T5") && !arch.startsWith("MT5")) {
                    throw new IllegalArgumentException(configJson + ": architecture '" + arch + "' is not a T5 model");
                }
            }
        }
        String ff = c.has("feed_forward_proj") ? c.get("feed_forward_proj").getAsString() : "relu";
        boolean gated = ff.startsWith("gated-");
        String act = gated ? ff.substring("gated-".length()) : ff;
        if (act.equals("gelu") && gated) act = "gelu_new"; // HF maps "gated-gelu" to the tanh approximation
        if (!act.equals("gelu_new") && !act.equals("relu")) {
            throw new IllegalArgumentException(configJson + ": feed_forward_proj '" + ff + "' is not supported (use 'gated-gelu' or 'relu')");
        }
        int dModel = intField(c, configJson, "d_model", null);
        int heads = intField(c, configJson, "num_heads", null);
        return new T5Config(
                intField(c, configJson, "vocab_size", null), dModel,
                intField(c, configJson, "d_kv", dModel / heads),
                intField(c, configJson, "d_ff", null),
                intField(c, configJson, "num_layers", null), heads,
                intField(c, configJson, "relative_attention_num_buckets", 32),
                intField(c, configJson, "relative_attention_max_distance", 128),
                c.has("layer_norm_epsilon") ? c.get("layer_norm_epsilon").getAsFloat() : 1e-6f,
                gated, act);
    }

    private static int intField(JsonObject c, Path file, String name, Integer def) {
        if (!c.has(name) || c.get(name).isJsonNull()) {
            if (def == null) throw new IllegalArgumentException(file + ": missing '" + name + "'");
            return def;
        }
        int v = c.get(name).getAsInt();
        if (v <= 0) throw new IllegalArgumentException(file + ": '" + name + "' must be positive, got " + v);
        return v;
    }

    /** Width of the attention's inner projection (heads x d_kv). */
    public int innerDim() { return numHeads * dKv; }
}
