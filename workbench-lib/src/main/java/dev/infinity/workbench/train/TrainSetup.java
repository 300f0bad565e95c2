package dev.infinity.workbench.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.TokenizerTrainer;
import dev.infinity.workbench.tokenizer.VaeLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The pieces a generator training run is assembled from (shared by the CLI, the experiments and the benchmark). */
public final class TrainSetup {
    private TrainSetup() {}

    /**
     * A frozen tokenizer: a folder written by {@link TokenizerTrainer} ({@code tokenizer.safetensors} + {@code tokenizer.json})
     * or a weights file (.pth / .safetensors) whose architecture is read from its shapes.
     */
    public static BsqVae tokenizer(Path path) {
        BsqVae vae;
        if (Files.isDirectory(path)) {
            Path w = path.resolve("tokenizer.safetensors");
            if (!Files.isRegularFile(w)) throw new IllegalArgumentException(path + ": no tokenizer.safetensors (a folder written by the tokenizer trainer)");
            vae = VaeLoader.load(w, TokenizerTrainer.savedConfig(path));
        } else if (Files.isRegularFile(path)) {
            vae = VaeLoader.load(path);
        } else {
            throw new IllegalArgumentException(path + ": tokenizer not found");
        }
        vae.setTrainable(false);
        return vae;
    }

    /** Every caption of a data set (short {@code text} and {@code long_caption} of each line), for a toy text vocabulary. */
    public static List<String> captions(Path data) {
        List<String> out = new ArrayList<>();
        try {
            for (Path f : HeldOutSplit.jsonl(HeldOutSplit.metaFolder(data))) {
                for (String line : Files.readAllLines(f)) {
                    if (line.isBlank()) continue;
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    if (o.has("text")) out.add(o.get("text").getAsString());
                    if (o.has("long_caption")) out.add(o.get("long_caption").getAsString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read captions of " + data, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(data + ": malformed meta line (" + e.getMessage() + ")", e);
        }
        return out;
    }

    /**
     * A preset with the text width/length of the text encoder and the tokenizer's d; with {@code patchify} each
     * token is a 2x2 patch of tokenizer cells (4d bits, {@code apply_spatial_patchify}).
     */
    public static InfinityConfig modelConfig(String preset, int textChannels, int textMaxLen, int tokenizerDim, boolean patchify) {
        return InfinityConfig.preset(preset).toBuilder().textChannels(textChannels).textMaxLen(textMaxLen)
                .codebookDim(patchify ? 4 * tokenizerDim : tokenizerDim).applySpatialPatchify(patchify).build();
    }
}
