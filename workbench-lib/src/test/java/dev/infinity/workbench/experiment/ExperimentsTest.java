package dev.infinity.workbench.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentsTest {
    @TempDir Path root;

    @Test
    void classifierHeadSizesMatchThePaper() {
        // Infinity Fig. 2: d = 32 at width 2048 → 8.8T parameters for a 2^32-way head, 0.13M for the bitwise head
        assertEquals(8.8e12, ClassifierSizeExperiment.conventionalHead(2048, 32).doubleValue(), 0.01e12);
        assertEquals(0.13e6, ClassifierSizeExperiment.bitwiseHead(2048, 32), 0.005e6);
    }

    @Test
    void runWritesConfigProvenanceAndResultsThenResumes() throws Exception {
        Files.createDirectories(root.resolve("experiments"));
        Files.writeString(root.resolve("experiments/heads.json"),
                "{\"kind\": \"classifier-size\", \"params\": {\"widths\": [8]}, \"budgets\": {\"small\": {\"dims\": [4]}, \"full\": {\"dims\": [4, 8]}}}");
        Path out = Experiments.run(root, "heads", "small");
        Path csv = out.resolve("classifier_size.csv");
        assertTrue(Files.exists(out.resolve("config.json")) && Files.exists(out.resolve("provenance.json")));
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"budget\": \"small\""));
        assertEquals(2, Files.readAllLines(csv).size(), "header + one row (d=4 at width 8)");
        long stamp = Files.getLastModifiedTime(csv).toMillis();
        Thread.sleep(20);
        Experiments.run(root, "heads", "small");
        assertEquals(stamp, Files.getLastModifiedTime(csv).toMillis(), "finished part is not redone");
        IllegalStateException other = assertThrows(IllegalStateException.class, () -> Experiments.run(root, "heads", "full"));
        assertTrue(other.getMessage().contains("other settings") && other.getMessage().contains("full"), other.getMessage());
        assertEquals(2, Files.readAllLines(csv).size(), "the small run's results are left as they were");
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"budget\": \"small\""));
        assertThrows(IllegalArgumentException.class, () -> Experiments.run(root, "heads", "huge"));
        assertThrows(IllegalArgumentException.class, () -> Experiments.run(root, "missing", "small"));
    }
}
