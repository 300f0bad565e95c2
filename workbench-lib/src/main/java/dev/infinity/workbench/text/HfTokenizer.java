package dev.infinity.workbench.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (T5's Unigram + "$A &lt;/s&gt;" template) through DJL's tokenizers
 * binding, always from a local file (a hub name would try the network). Truncation keeps room for EOS,
 * as {@code T5TokenizerFast(max_length=512, truncation=True)} does.
 */
public final class HfTokenizer implements PromptTokenizer {
    private static final Logger LOG = LoggerFactory.getLogger(HfTokenizer.class);
    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final long padId;

    public HfTokenizer(Path tokenizerJson, int maxLength) {
        if (!Files.isRegularFile(tokenizerJson)) throw new IllegalArgumentException(tokenizerJson + ": tokenizer file not found");
        this.file = tokenizerJson;
        this.maxLength = maxLength;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "addSpecialTokens", "true", "truncation", "true", "padding", "false",
                    "maxLength", String.valueOf(maxLength), "modelMaxLength", String.valueOf(maxLength)));
        } catch (IOException e) {
            throw new UncheckedIOException(tokenizerJson + ": cannot read tokenizer: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(tokenizerJson + ": not a usable tokenizer.json: " + e.getMessage(), e);
        }
        Encoding pad = tokenizer.encode("<pad>", false, false);
        padId = pad.getIds().length == 1 ? pad.getIds()[0] : 0;
    }

    @Override
    public long[] encode(String prompt) {
        Encoding e = tokenizer.encode(prompt, true, false);
        if (e.exceedMaxLength()) LOG.warn("{}: prompt longer than {} tokens was truncated: \"{}...\"", file.getFileName(), maxLength,
                prompt.substring(0, Math.min(60, prompt.length())));
        return e.getIds();
    }

    /** The token strings of a prompt (for inspection in a notebook). */
    public String[] tokens(String prompt) {
        return tokenizer.encode(prompt, true, false).getTokens();
    }

    @Override public long padId() { return padId; }
    @Override public int maxLength() { return maxLength; }
    @Override public void close() { tokenizer.close(); }
}
