package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.StateDict;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterLoaderTest {
    static final class TwoLayers extends Module {
        final Linear first;
        final Linear second;

        TwoLayers(NDManager m) {
            super(m);
            first = child("first", new Linear(m, 3, 2, true));
            second = child("second", new Linear(m, 2, 1, false));
        }
    }

    @Test
    void reportsMissingUnexpectedAndMismatchedByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoLayers model = new TwoLayers(m);
            assertEquals(List.of("first.weight", "first.bias", "second.weight"), List.copyOf(model.namedParameters().keySet()));
            Map<String, HostTensor> t = new LinkedHashMap<>();
            t.put("first.weight", HostTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            t.put("second.weight", HostTensor.of(new float[] {1, 2, 3}, 1, 3)); // wrong shape
            t.put("extra.bias", HostTensor.of(new float[] {0}, 1));
            StateDict sd = new StateDict(Path.of("test.pth"), t);

            ParameterLoader.Report r = ParameterLoader.load(model, sd, null, false);
            assertEquals(1, r.loaded());
            assertEquals(List.of("first.bias", "second.weight"), r.missing());
            assertEquals(List.of("extra.bias"), r.unexpected());
            assertTrue(r.shapeMismatches().get(0).startsWith("second.weight"), r.toString());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, model.first.weight.array().toFloatArray());

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParameterLoader.load(model, sd, null, true));
            assertTrue(e.getMessage().contains("second.weight") && e.getMessage().contains("test.pth"), e.getMessage());
        }
    }

    @Test
    void renameMapsCheckpointKeys() {
        try (NDManager m = NDManager.newBaseManager()) {
            TwoLayers model = new TwoLayers(m);
            Map<String, HostTensor> t = new LinkedHashMap<>();
            t.put("module.first.weight", HostTensor.of(new float[6], 2, 3));
            t.put("module.first.bias", HostTensor.of(new float[] {7, 8}, 2));
            t.put("module.second.weight", HostTensor.of(new float[] {9, 10}, 1, 2));
            ParameterLoader.Report r = ParameterLoader.load(model, new StateDict(Path.of("x"), t), k -> k.substring("module.".length()), true);
            assertTrue(r.clean());
            assertArrayEquals(new float[] {7, 8}, model.first.bias.array().toFloatArray());
        }
    }
}
