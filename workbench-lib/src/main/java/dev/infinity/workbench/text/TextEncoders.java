package dev.infinity.workbench.text;

import ai.djl.ndarray.NDManager;

import java.nio.file.Path;

/** Entry points for notebooks: the text encoders by name. */
public final class TextEncoders {
    private TextEncoders() {}

    /** flan-T5 from a local Hugging Face folder, on CPU in float32, 512 tokens. */
    public static FlanT5 flanT5(Path folder) {
        return FlanT5.load(folder, FlanT5.Options.defaults());
    }

    public static FlanT5 flanT5(Path folder, FlanT5.Options options) {
        return FlanT5.load(folder, options);
    }

    /** A fresh toy encoder of width {@code textChannels} with a vocabulary from {@code captions}. */
    public static ToyTextEncoder toy(NDManager manager, int textChannels, Iterable<String> captions, int maxLength) {
        return ToyTextEncoder.fromCaptions(manager, ToyTextEncoder.Config.ofWidth(textChannels), captions, maxLength);
    }

    /** A toy encoder saved with {@link ToyTextEncoder#save}. */
    public static ToyTextEncoder toy(Path dir, NDManager manager) {
        return ToyTextEncoder.load(dir, manager);
    }
}
