package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.io.CheckpointException;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.nn.ParameterLoader;
import dev.infinity.workbench.parity.TestPaths;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class VaeLoaderTest {
    static final Path WEIGHTS = TestPaths.shared().resolve("golden/vae/vae.pth");

    @Test
    void officialKeysMapOneToOne() {
        assumeTrue(Files.exists(WEIGHTS), "no golden vae.pth");
        StateDict sd = StateDict.load(WEIGHTS);
        try (BsqVae vae = new BsqVae(NDManager.newBaseManager(), VaeConfig.tiny())) {
            ParameterLoader.Report r = VaeLoader.loadInto(vae, sd);
            assertTrue(r.clean(), r.toString()); // quantize.lfq.mask is the official alias, skipped
            assertEquals(vae.namedParameters().size(), r.loaded());
            assertEquals(sd.size() - 1, r.loaded());
        }
    }

    @Test
    void unwrappedNamesLoadTheSameWeightsAndStrayKeysAreReported() {
        assumeTrue(Files.exists(WEIGHTS), "no golden vae.pth");
        StateDict sd = StateDict.load(WEIGHTS);
        Map<String, HostTensor> unwrapped = new LinkedHashMap<>();
        sd.tensors().forEach((k, v) -> unwrapped.put(k.replace(".conv.weight", ".weight").replace(".conv.bias", ".bias")
                .replace(".norm.weight", ".weight").replace(".norm.bias", ".bias"), v));
        unwrapped.put("loss.discriminator.weight", HostTensor.of(new float[] {1}, 1));
        try (BsqVae vae = new BsqVae(NDManager.newBaseManager(), VaeConfig.tiny())) {
            ParameterLoader.Report r = VaeLoader.loadInto(vae, new StateDict(WEIGHTS, unwrapped));
            assertEquals(List.of("loss.discriminator.weight"), r.unexpected());
            assertTrue(r.missing().isEmpty(), r.toString());
            String key = "decoder.up.4.upsample.conv.conv.weight";
            assertArrayEquals(sd.get(key).toFloatArray(), vae.namedParameters().get(key).array().toFloatArray(), 0f);
        }
    }

    @Test
    void otherCodebookWidthIsAClearError() {
        assumeTrue(Files.exists(WEIGHTS), "no golden vae.pth");
        VaeConfig d32 = VaeConfig.tiny().toBuilder().codebookDim(32).build();
        CheckpointException e = assertThrows(CheckpointException.class, () -> VaeLoader.load(WEIGHTS, d32));
        assertTrue(e.getMessage().contains("codebook dim d") && e.getMessage().contains("= 16") && e.getMessage().contains("expects 32"), e.getMessage());
        CheckpointException wide = assertThrows(CheckpointException.class, () -> VaeLoader.load(WEIGHTS, VaeConfig.d16()));
        assertTrue(wide.getMessage().contains("base channels = 32") && wide.getMessage().contains("expects 128"), wide.getMessage());
    }

    @Test
    void presetsAndOfficialArgsAgree() {
        VaeConfig d32 = VaeConfig.preset("d32");
        assertEquals(128, d32.baseChannels());
        assertArrayEquals(new int[] {1, 2, 4, 4, 4}, d32.encoderChMult());
        assertEquals(16, d32.patchSize());
        assertEquals(d32, VaeConfig.preset("d32-reg"));
        assertEquals(64, VaeConfig.preset("d64").codebookDim());
        assertEquals(8, VaeConfig.preset("patchify-d16").patchSize());
        assertEquals(VaeConfig.tiny(), VaeConfig.fromOfficialArgs(VaeConfig.tiny().toOfficialArgs()));
        assertThrows(IllegalArgumentException.class, () -> VaeConfig.preset("d33x"));
        assertThrows(IllegalArgumentException.class, () -> VaeConfig.builder().baseChannels(40).build()); // GroupNorm needs C % 32 or 24
        assertThrows(IllegalArgumentException.class, () -> VaeConfig.builder().chMult(1, 2, 4, 4).build()); // patch 16 needs 5 levels
    }
}
