package dev.infinity.workbench.text;

import java.util.List;

/** Turns prompts into packed text features; flan-T5 and the small built-in encoder both implement it. */
public interface TextEncoder extends AutoCloseable {
    /** Encodes a batch of prompts (each non-empty) into packed features on the encoder's device. */
    TextCondition encode(List<String> prompts);

    /** Feature width C (the transformer's {@code text_channels}). */
    int channels();

    /** Most tokens per prompt; longer prompts are truncated with a warning. */
    int maxLength();

    @Override
    default void close() {}
}
