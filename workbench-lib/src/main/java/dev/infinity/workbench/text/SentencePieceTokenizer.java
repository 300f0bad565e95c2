package dev.infinity.workbench.text;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * T5's SentencePiece model ({@code spiece.model}) through DJL's SentencePiece binding, for folders without
 * a {@code tokenizer.json}: the pieces of the prompt followed by {@code </s>}, truncated to
 * {@code maxLength} tokens with EOS kept (what {@code T5Tokenizer(legacy=True)} produces).
 */
public final class SentencePieceTokenizer implements PromptTokenizer {
    private static final Logger LOG = LoggerFactory.getLogger(SentencePieceTokenizer.class);
    private final Path file;
    private final SpTokenizer tokenizer;
    private final SpProcessor processor;
    private final int maxLength;
    private final long eosId;
    private final long padId;

    public SentencePieceTokenizer(Path spieceModel, int maxLength) {
        if (!Files.isRegularFile(spieceModel)) throw new IllegalArgumentException(spieceModel + ": SentencePiece model not found");
        if (maxLength < 1) throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        this.file = spieceModel;
        this.maxLength = maxLength;
        try {
            tokenizer = new SpTokenizer(spieceModel);
        } catch (IOException e) {
            throw new UncheckedIOException(spieceModel + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(spieceModel + ": not a usable SentencePiece model: " + e.getMessage(), e);
        }
        processor = tokenizer.getProcessor();
        eosId = processor.getId("</s>");
        long pad = processor.getId("<pad>");
        padId = pad >= 0 ? pad : 0;
        if (eosId < 0 || !"</s>".equals(processor.getToken((int) eosId))) {
            tokenizer.close();
            throw new IllegalArgumentException(spieceModel + ": has no </s> piece (not a T5 SentencePiece model)");
        }
    }

    @Override
    public long[] encode(String prompt) {
        int[] pieces = processor.encode(prompt);
        if (pieces.length > maxLength - 1) {
            LOG.warn("{}: prompt longer than {} tokens was truncated: \"{}...\"", file.getFileName(), maxLength,
                    prompt.substring(0, Math.min(60, prompt.length())));
            pieces = Arrays.copyOf(pieces, maxLength - 1);
        }
        long[] ids = new long[pieces.length + 1];
        for (int i = 0; i < pieces.length; i++) ids[i] = pieces[i];
        ids[pieces.length] = eosId;
        return ids;
    }

    @Override public long padId() { return padId; }
    @Override public int maxLength() { return maxLength; }
    @Override public void close() { tokenizer.close(); }
}
