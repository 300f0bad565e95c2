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

    /** norm_groups overrides the official 32-or-24 rule in every GroupNorm and survives the saved tokenizer.json. */
    @Test
    void normGroupsReachEveryGroupNormAndRoundTrip(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        VaeConfig eight = VaeConfig.tiny().toBuilder().normGroups(8).build();
        assertEquals(32, VaeConfig.tiny().groups(64));
        assertEquals(8, eight.groups(64));
        assertEquals(eight, VaeConfig.fromOfficialArgs(eight.toOfficialArgs()));
        assertTrue(!VaeConfig.tiny().toOfficialArgs().has("norm_groups"), "official configs stay official");
        // same weights, different grouping: the encoder output changes; 32 groups is the official rule at 32/64 channels
        try (BsqVae official = new BsqVae(VaeConfig.tiny()); BsqVae grouped8 = new BsqVae(eight);
             BsqVae grouped32 = new BsqVae(VaeConfig.tiny().toBuilder().normGroups(32).build());
             NDManager m = NDManager.newBaseManager()) {
            for (BsqVae other : List.of(grouped8, grouped32)) {
                other.namedParameters().forEach((name, p) -> p.set(official.namedParameters().get(name).array()));
            }
            ai.djl.ndarray.NDArray x = m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(1, 3, 32, 32));
            float[] a = official.encoder.forward(x).toFloatArray();
            assertArrayEquals(a, grouped32.encoder.forward(x).toFloatArray(), 0f);
            float[] b = grouped8.encoder.forward(x).toFloatArray();
            double diff = 0;
            for (int i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
            assertTrue(diff > 1e-3, "8 groups must normalise differently, max diff " + diff);
        }
        // a weights file with the trainer's tokenizer.json beside it loads with that config (shapes cannot show norm_groups)
        try (BsqVae vae = new BsqVae(eight)) {
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            vae.namedParameters().forEach((k, p) -> tensors.put(k, HostTensor.of(p.array())));
            dev.infinity.workbench.io.SafeTensors.write(dir.resolve("tokenizer.safetensors"), tensors, Map.of());
            Files.writeString(dir.resolve("tokenizer.json"), eight.toOfficialArgs().toString());
            try (BsqVae back = VaeLoader.load(dir.resolve("tokenizer.safetensors"))) {
                assertEquals(eight, back.config());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VaeConfig.tiny().toBuilder().normGroups(5).build());
        assertTrue(e.getMessage().contains("norm_groups = 5"), e.getMessage());
    }
}
