package dev.infinity.workbench.tokenizer;

import java.util.List;

import java.util.ArrayList;

import dev.infinity.workbench.io.CheckpointException;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.ParameterLoader;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Loads official BSQ-VAE weights: {@code torch.save({'vae': state_dict})} (what {@code vae_model()} reads),
 * a plain state dict, or safetensors. Like the official {@code load_cnn}, accepts both the wrapped names
 * ({@code conv1.conv.weight}, {@code norm1.norm.weight}) and the unwrapped ones ({@code conv1.weight});
 * {@code quantize.*} is the official alias of {@code quantizer.*}. Missing weights fail; keys that cannot
 * be placed are returned in the report (the official loader skips them silently).
 */
public final class VaeLoader {
    private VaeLoader() {}

    /** Builds a {@link BsqVae} for {@code config} and loads {@code path} into it. */
    public static BsqVae load(Path path, VaeConfig config) {
        BsqVae vae = new BsqVae(config);
        try {
            ParameterLoader.Report report = loadInto(vae, StateDict.load(path));
            vae.setLoadReport(report);
            if (!report.unexpected().isEmpty()) {
                System.err.println("warning: " + path + ": " + report.unexpected().size() + " tensors not used by the tokenizer (first: "
                        + report.unexpected().get(0) + "); see BsqVae.loadReport()");
            }
            return vae;
        } catch (RuntimeException e) {
            vae.close();
            throw e;
        }
    }

    /** Loads a state dict into an existing model; fails on a codebook width/architecture mismatch or missing weights. */
    public static ParameterLoader.Report loadInto(BsqVae vae, StateDict sd) {
        VaeConfig cfg = vae.config();
        checkDim(sd, "encoder.conv_out", 0, cfg.codebookDim(), "codebook dim d (encoder output channels)");
        checkDim(sd, "decoder.conv_in", 1, cfg.codebookDim(), "codebook dim d (decoder input channels)");
        checkDim(sd, "encoder.conv_in", 0, cfg.baseChannels(), "base channels");
        ParameterLoader.Report report = ParameterLoader.load(vae, sd, renamer(vae), false);
        if (!report.missing().isEmpty() || !report.shapeMismatches().isEmpty()) {
            throw new CheckpointException(sd.source(), "does not fit " + cfg + ": "
                    + (report.shapeMismatches().isEmpty() ? "" : report.shapeMismatches().size() + " shape mismatches (first: " + report.shapeMismatches().get(0) + "); ")
                    + (report.missing().isEmpty() ? "" : report.missing().size() + " weights missing (first: " + report.missing().get(0) + ")"));
        }
        return report;
    }

    /** Checkpoint key → model name: exact, else with the official {@code .conv}/{@code .norm} wrapper inserted. */
    static UnaryOperator<String> renamer(Module model) {
        Set<String> names = model.namedParameters().keySet();
        return key -> {
            if (names.contains(key)) return key;
            if (key.startsWith("quantize.")) return null; // AutoEncoder.quantize is the same module as .quantizer
            int dot = key.lastIndexOf('.');
            if (dot > 0) {
                for (String wrapper : new String[] {".conv", ".norm"}) {
                    String wrapped = key.substring(0, dot) + wrapper + key.substring(dot);
                    if (names.contains(wrapped)) return wrapped;
                }
            }
            return key;
        };
    }

    /** Compares one axis of a conv weight (wrapped or unwrapped key) with the config, naming both on mismatch. */
    private static void checkDim(StateDict sd, String module, int axis, int want, String what) {
        for (String key : new String[] {module + ".conv.weight", module + ".weight"}) {
            if (!sd.contains(key)) continue;
            HostTensor t = sd.get(key);
            long got = t.shape()[axis];
            if (got != want) {
                throw new CheckpointException(sd.source(), "has " + what + " = " + got + " (" + key + " " + Arrays.toString(t.shape())
                        + ") but the config expects " + want + "; use a config with " + what + " = " + got);
            }
            return;
        }
    }

    /**
     * Loads a BSQ-VAE checkpoint (wrapped or unwrapped key names) without being told its architecture: base width,
     * channel multipliers, residual blocks, codebook width, patch size and mid attention come from the tensor shapes.
     * A {@code tokenizer.json} next to the file (written by the trainer and the toy bundle) wins: it also carries
     * settings that no shape reveals ({@code norm_groups}).
     */
    public static BsqVae load(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && java.nio.file.Files.isRegularFile(parent.resolve("tokenizer.json"))) {
            return load(file, TokenizerTrainer.savedConfig(parent));
        }
        return load(file, configFromWeights(StateDict.load(file)));
    }

    /** The architecture implied by a VAE state dict. */
    public static VaeConfig configFromWeights(StateDict sd) {
        int base = (int) shape(sd, "encoder.conv_in", "weight")[0];
        int d = (int) shape(sd, "encoder.conv_out", "weight")[0];
        int image = (int) shape(sd, "encoder.conv_in", "weight")[1];
        List<Integer> enc = new ArrayList<>(), dec = new ArrayList<>();
        int downs = 0;
        for (int i = 0; has(sd, "encoder.down." + i + ".block.0.conv1"); i++) {
            enc.add((int) (shape(sd, "encoder.down." + i + ".block.0.conv1", "weight")[0] / base));
            if (has(sd, "encoder.down." + i + ".downsample.conv")) downs++;
        }
        for (int i = 0; has(sd, "decoder.up." + i + ".block.0.conv1"); i++) {
            dec.add((int) (shape(sd, "decoder.up." + i + ".block.0.conv1", "weight")[0] / base));
        }
        int blocks = 0;
        while (has(sd, "encoder.down.0.block." + blocks + ".conv1")) blocks++;
        if (enc.isEmpty() || dec.isEmpty() || blocks == 0) {
            throw new CheckpointException(sd.source(), "is not a BSQ-VAE checkpoint (no encoder.down.*/decoder.up.* conv weights)");
        }
        boolean attention = sd.keys().stream().anyMatch(k -> k.startsWith("encoder.mid.attn"));
        return VaeConfig.builder().baseChannels(base).encoderChMult(ints(enc)).decoderChMult(ints(dec)).numResBlocks(blocks)
                .codebookDim(d).patchSize(1 << downs).midAttention(attention).imageChannels(image).build();
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean has(StateDict sd, String module) {
        return sd.contains(module + ".conv.weight") || sd.contains(module + ".weight");
    }

    private static long[] shape(StateDict sd, String module, String leaf) {
        HostTensor t = sd.tensors().get(module + ".conv." + leaf);
        if (t == null) t = sd.tensors().get(module + "." + leaf);
        if (t == null) throw new CheckpointException(sd.source(), "has no '" + module + "." + leaf + "' (nor the .conv-wrapped name): not a BSQ-VAE checkpoint?");
        return t.shape();
    }
}
