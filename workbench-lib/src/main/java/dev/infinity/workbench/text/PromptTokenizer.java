package dev.infinity.workbench.text;

import java.util.ArrayList;
import java.util.List;

/** Turns one prompt into token ids ending with EOS, at most {@link #maxLength()} of them. */
public interface PromptTokenizer extends AutoCloseable {
    /** Ids of the prompt's tokens followed by EOS; longer prompts are truncated (keeping EOS) with a warning. */
    long[] encode(String prompt);

    /** Id used for padding (masked out, so its value never reaches the features). */
    long padId();

    int maxLength();

    /** Encodes a batch and pads it; blank prompts are rejected, naming their index. */
    default TokenBatch encodeBatch(List<String> prompts) {
        if (prompts == null || prompts.isEmpty()) throw new IllegalArgumentException("no prompts to encode");
        List<long[]> seqs = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            String p = prompts.get(i);
            if (p == null || p.isBlank()) throw new IllegalArgumentException("prompt " + i + " is empty");
            seqs.add(encode(p));
        }
        return TokenBatch.pad(seqs, padId());
    }

    @Override
    default void close() {}
}
