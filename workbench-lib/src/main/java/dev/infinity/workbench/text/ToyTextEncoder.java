package dev.infinity.workbench.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.SafeTensors;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.nn.Embedding;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.ParameterLoader;
import dev.infinity.workbench.nn.RMSNorm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small text encoder for toy models, trained jointly with the generator: word-level tokens, token +
 * learned absolute position embeddings, a few pre-norm {@link T5Block}s (scaled dot-product attention,
 * gated-GELU feed-forward) and a final RMSNorm. Its width is the transformer's {@code text_channels}.
 * It is a {@link Module}, so a trainer can add its parameters to the optimiser.
 *
 * <p>Saved as a folder: {@code config.json}, {@code vocab.json}, {@code model.safetensors}.
 */
public final class ToyTextEncoder extends Module implements TextEncoder {
    /** Sizes; {@code width} must be divisible by {@code heads}. */
    public record Config(int width, int layers, int heads, int ffnDim, float eps) {
        public Config {
            if (width <= 0 || layers < 0 || heads <= 0 || ffnDim <= 0) throw new IllegalArgumentException("toy text encoder sizes must be positive: " + this);
            if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
        }

        /** 2 layers, heads of 32 channels (at least 1), feed-forward 2x width. */
        public static Config ofWidth(int width) {
            return new Config(width, 2, Math.max(1, width / 32), 2 * width, 1e-6f);
        }
        public Config withLayers(int n) { return new Config(width, n, heads, ffnDim, eps); }
        public Config withHeads(int n) { return new Config(width, layers, n, ffnDim, eps); }
        public Config withFfnDim(int n) { return new Config(width, layers, heads, n, eps); }
    }

    public final Config config;
    private final WordTokenizer tokenizer;
    private final Embedding tokenEmbedding;
    private final Embedding positionEmbedding;
    private final List<T5Block> blocks = new ArrayList<>();
    private final RMSNorm finalLayerNorm;

    public ToyTextEncoder(NDManager manager, Config config, WordTokenizer tokenizer) {
        super(manager);
        this.config = config;
        this.tokenizer = tokenizer;
        int headDim = config.width() / config.heads();
        tokenEmbedding = child("token_embedding", new Embedding(manager, tokenizer.vocabSize(), config.width(), 0.02f));
        positionEmbedding = child("position_embedding", new Embedding(manager, tokenizer.maxLength(), config.width(), 0.02f));
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(child("block." + i, new T5Block(manager, config.width(), config.heads(), headDim, config.ffnDim(), true,
                    "gelu_new", config.eps(), 0, (float) (1 / Math.sqrt(headDim)))));
        }
        finalLayerNorm = child("final_layer_norm", new RMSNorm(manager, config.width(), config.eps()));
    }

    /** Builds the vocabulary from captions (every word seen at least twice, up to 8192) and a fresh encoder. */
    public static ToyTextEncoder fromCaptions(NDManager manager, Config config, Iterable<String> captions, int maxLength) {
        return new ToyTextEncoder(manager, config, WordTokenizer.fromCaptions(captions, 2, 8192, maxLength));
    }

    public WordTokenizer tokenizer() { return tokenizer; }

    /**
     * Encodes without freeing anything until {@code scope} closes, so the result can be differentiated
     * (use the training step's manager).
     */
    public TextCondition encode(List<String> prompts, NDManager scope) {
        TokenBatch tokens = tokenizer.encodeBatch(prompts);
        long[] positions = new long[tokens.length()];
        for (int i = 0; i < positions.length; i++) positions[i] = i;
        NDArray x = tokenEmbedding.forward(tokens.idsArray(scope))
                .add(positionEmbedding.forward(scope.create(positions, new Shape(1, positions.length))));
        NDArray mask = tokens.maskBias(scope);
        for (T5Block block : blocks) x = block.forward(x, mask);
        return TextCondition.fromPadded(finalLayerNorm.forward(x), tokens.lens());
    }

    /** Features attached to this module's manager (inference; in training use {@link #encode(List, NDManager)}). */
    @Override
    public TextCondition encode(List<String> prompts) {
        try (NDManager sub = manager.newSubManager()) {
            TextCondition c = encode(prompts, sub);
            c.features().attach(manager);
            return c;
        }
    }

    @Override public int channels() { return config.width(); }
    @Override public int maxLength() { return tokenizer.maxLength(); }

    /** Writes {@code config.json}, {@code vocab.json} and {@code model.safetensors} into {@code dir} (each atomically). */
    public void save(Path dir) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model_type", "toy_text");
        json.put("width", config.width());
        json.put("layers", config.layers());
        json.put("heads", config.heads());
        json.put("ffn_dim", config.ffnDim());
        json.put("eps", config.eps());
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> tensors.put(name, HostTensor.of(p.array())));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        tokenizer.save(dir.resolve("vocab.json"));
        AtomicFiles.writeString(dir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(json));
    }

    /** Loads a folder written by {@link #save}. */
    public static ToyTextEncoder load(Path dir, NDManager manager) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": toy text encoder folder not found");
        Path configFile = dir.resolve("config.json");
        Config config;
        try {
            JsonObject o = JsonParser.parseString(Files.readString(configFile)).getAsJsonObject();
            String type = o.has("model_type") ? o.get("model_type").getAsString() : "(none)";
            if (!type.equals("toy_text")) throw new IllegalArgumentException(configFile + ": model_type is '" + type + "', expected 'toy_text'");
            config = new Config(o.get("width").getAsInt(), o.get("layers").getAsInt(), o.get("heads").getAsInt(),
                    o.get("ffn_dim").getAsInt(), o.get("eps").getAsFloat());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(configFile + ": file not found");
        } catch (IOException | JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(configFile + ": not a valid toy text encoder config: " + e.getMessage());
        }
        ToyTextEncoder model = new ToyTextEncoder(manager, config, WordTokenizer.load(dir.resolve("vocab.json")));
        ParameterLoader.load(model, StateDict.load(dir.resolve("model.safetensors")), null, true);
        return model;
    }
}
