package dev.infinity.workbench.text;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * flan-T5 (or any T5 v1.1) text encoder from a local Hugging Face folder: {@code config.json}, the
 * weights, and {@code tokenizer.json} (or, without it, {@code spiece.model}). Produces the packed {@link TextCondition} the Infinity transformer
 * takes: the last hidden state of every real token (EOS included), float32.
 */
public final class FlanT5 implements TextEncoder {
    /** Settings with defaults: CPU, float32, 512 tokens (the official {@code model_max_length}). */
    public record Options(Device device, boolean keepHalfPrecision, int maxLength) {
        public static Options defaults() { return new Options(Device.cpu(), false, 512); }
        public Options withDevice(Device d) { return new Options(d, keepHalfPrecision, maxLength); }
        public Options withKeepHalfPrecision(boolean keep) { return new Options(device, keep, maxLength); }
        public Options withMaxLength(int n) { return new Options(device, keepHalfPrecision, n); }
    }

    private final NDManager manager;
    private final T5Encoder encoder;
    private final PromptTokenizer tokenizer;

    public FlanT5(NDManager manager, T5Encoder encoder, PromptTokenizer tokenizer) {
        this.manager = manager;
        this.encoder = encoder;
        this.tokenizer = tokenizer;
    }

    /** Loads the encoder and tokenizer of {@code folder}; errors name the missing or bad file. */
    public static FlanT5 load(Path folder, Options options) {
        if (!Files.isDirectory(folder)) throw new IllegalArgumentException(folder + ": T5 model folder not found");
        Path tokenizerJson = folder.resolve("tokenizer.json");
        Path spiece = folder.resolve("spiece.model");
        if (!Files.isRegularFile(tokenizerJson) && !Files.isRegularFile(spiece)) {
            throw new IllegalArgumentException(tokenizerJson + ": not found, nor spiece.model (the folder needs a T5 tokenizer)");
        }
        NDManager manager = NDManager.newBaseManager(options.device());
        try {
            T5Encoder encoder = T5Encoder.load(folder, manager, options.keepHalfPrecision());
            PromptTokenizer tokenizer = Files.isRegularFile(tokenizerJson)
                    ? new HfTokenizer(tokenizerJson, options.maxLength())
                    : new SentencePieceTokenizer(spiece, options.maxLength());
            return new FlanT5(manager, encoder, tokenizer);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public T5Encoder encoder() { return encoder; }
    public PromptTokenizer tokenizer() { return tokenizer; }

    /** Features attached to this encoder's manager; close them (or attach them elsewhere) when done. */
    @Override
    public TextCondition encode(List<String> prompts) {
        return encode(prompts, manager);
    }

    /** Features attached to {@code scope}; temporaries are freed before returning. */
    public TextCondition encode(List<String> prompts, NDManager scope) {
        TokenBatch tokens = tokenizer.encodeBatch(prompts);
        try (NDManager sub = scope.newSubManager(manager.getDevice())) {
            NDArray hidden = encoder.forward(tokens, sub);
            TextCondition c = TextCondition.fromPadded(hidden, tokens.lens());
            c.features().attach(scope);
            return c;
        }
    }

    @Override public int channels() { return encoder.channels(); }
    @Override public int maxLength() { return tokenizer.maxLength(); }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
