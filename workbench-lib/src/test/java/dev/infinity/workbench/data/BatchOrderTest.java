package dev.infinity.workbench.data;

import dev.infinity.workbench.data.toy.ToyDataGenerator;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Template-grouped batches, seeded order, exact resumption, epochs: on the project's committed toy data set. */
class BatchOrderTest {
    static Path toyData() {
        for (Path p : new Path[] {Path.of("../data/infinity_toy_data"), Path.of("data/infinity_toy_data")}) {
            if (Files.isDirectory(p.resolve("splits"))) return p.toAbsolutePath().normalize();
        }
        throw new IllegalStateException("data/infinity_toy_data not found from " + Path.of("").toAbsolutePath());
    }

    /** Pixel size of each toy template, from the generator's table (the images are rendered at that size). */
    static T2IDataset.PixelSize toySizes() {
        return (template, hDivW) -> ToyDataGenerator.TEMPLATES.stream().filter(t -> Math.abs(t.hDivW() - hDivW) < 1e-9)
                .map(t -> new int[] {t.height(), t.width()}).findFirst().orElseThrow();
    }

    static T2IDataset toy(long seed, int batch) {
        Path dir = toyData();
        return T2IDataset.builder(dir.resolve("splits")) // image root found from the meta folder's parent
                .batchSize(batch).seed(seed).build(); // default pixel sizes: official 0.06M
    }

    /** What identifies a batch: template, images, captions. */
    private static String key(Batch b) {
        StringBuilder s = new StringBuilder(b.template());
        for (Batch.Sample x : b.samples()) s.append('|').append(x.record().imagePath()).append('#').append(x.caption());
        return s.toString();
    }

    private static List<String> take(T2IDataset.BatchStream it, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(key(it.next()));
        return out;
    }

    @Test
    void sameSeedSameBatchesOtherSeedOtherBatches() {
        assertEquals(take(toy(5, 4).stream(), 6), take(toy(5, 4).stream(), 6));
        assertNotEquals(take(toy(5, 4).stream(), 6), take(toy(6, 4).stream(), 6));
    }

    @Test
    void aStreamResumedFromASavedPositionContinuesIdentically() {
        T2IDataset ds = toy(11, 4);
        T2IDataset.BatchStream it = ds.stream();
        take(it, 7);
        String saved = it.position().toJson();
        List<String> rest = take(it, 5);
        // a new process: new data set object, position parsed from its JSON
        assertEquals(rest, take(toy(11, 4).stream(DataPosition.fromJson(saved)), 5));
        // a trainer that kept only its step count: the same position, computed without loading
        assertEquals(DataPosition.fromJson(saved), toy(11, 4).positionAt(7));
    }

    @Test
    void anEpochGroupsBatchesByTemplateAndVisitsEachLineAtMostOnce() {
        T2IDataset ds = toy(3, 32);
        Map<String, Integer> expectedBatches = new HashMap<>();
        for (T2IDataset.TemplateInfo t : ds.templates()) expectedBatches.put(t.template(), Math.max(1, t.usable() / 32));
        assertEquals(Map.of("1.000", 15, "0.750", 6, "1.333", 6, "0.500", 3), expectedBatches);
        assertEquals(30, ds.batchesPerEpoch());
        T2IDataset.BatchStream it = ds.stream();
        Map<String, Integer> batches = new HashMap<>();
        Set<String> images = new HashSet<>();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < ds.batchesPerEpoch(); i++) {
            Batch b = it.next();
            order.add(b.template());
            batches.merge(b.template(), 1, Integer::sum);
            int[] hw = toySizes().of(b.template(), Double.parseDouble(b.template()));
            assertEquals(hw[0], b.height());
            assertEquals(hw[1], b.width());
            for (Batch.Sample s : b.samples()) {
                assertEquals(b.template(), s.record().file().template());
                assertEquals(b.height(), s.image().getHeight());
                assertTrue(images.add(s.record().imagePath()), "seen twice in one epoch: " + s.record().imagePath());
            }
        }
        assertEquals(expectedBatches, batches);
        assertEquals(DataPosition.epoch(1), it.position());
        assertEquals(DataPosition.epoch(1), ds.positionAt(ds.batchesPerEpoch()));
        // templates are interleaved, not one block after another
        assertTrue(order.subList(0, 15).stream().distinct().count() > 1, order.toString());
        it.next();
        assertEquals(1, it.epoch());
        it.next();
        assertEquals(ds.positionAt(ds.batchesPerEpoch() + 2), it.position());
    }
}
