package dev.infinity.workbench.infer;

import dev.infinity.workbench.io.CheckpointException;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.VaeConfig;
import dev.infinity.workbench.tokenizer.VaeLoader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a tokenizer checkpoint without being told its architecture: base width, channel multipliers, residual
 * blocks per level, codebook width, patch size and mid attention are read from the tensor shapes.
 */
public final class Tokenizers {
    private Tokenizers() {}

    /** Loads a BSQ-VAE checkpoint (wrapped or unwrapped key names) with the architecture its shapes imply. */
    public static BsqVae load(Path file) {
        return VaeLoader.load(file, configFromWeights(StateDict.load(file)));
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
