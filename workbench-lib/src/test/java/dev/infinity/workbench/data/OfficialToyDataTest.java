package dev.infinity.workbench.data;

import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.parity.TestPaths;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the official toy data set (../shared/infinity_toy_data_official) the way the official loader does. */
class OfficialToyDataTest {
    static final Path OFFICIAL = TestPaths.shared().resolve("infinity_toy_data_official");

    static T2IDataset.Builder official() {
        return T2IDataset.builder(OFFICIAL.resolve("splits"))
                .imageRoot(new ImageRoot(OFFICIAL, "data/infinity_toy_data/"))
                .pn("0.06M");
    }

    @Test
    void everyLineIsReadAndFiledUnderTheTemplateOfItsFileName() {
        T2IDataset ds = official().build();
        assertEquals(1, ds.files().size());
        assertEquals("1.500", ds.files().get(0).template());
        assertEquals(2500, ds.files().get(0).declared());
        assertEquals(List.of(new T2IDataset.TemplateInfo("1.500", 1.5, 2500, 1250)), ds.templates());
        assertEquals(0, ds.skipLog().total(), ds.skipLog().toString());
        assertTrue(ds.skipLog().countMismatches().isEmpty());
        List<DataRecord> recs = ds.records("1.500");
        assertEquals(2500, recs.size());
        Set<String> images = new HashSet<>();
        for (int i = 0; i < recs.size(); i++) {
            DataRecord r = recs.get(i);
            assertEquals(i + 1, r.line());
            assertTrue(r.imagePath().startsWith("data/infinity_toy_data/images/"), r.imagePath());
            assertTrue(Files.isRegularFile(new ImageRoot(OFFICIAL, "data/infinity_toy_data/").resolve(r.imagePath())));
            assertTrue(r.hDivW() > 1.4 && r.hDivW() < 1.62, r.where() + " h_div_w " + r.hDivW());
            assertTrue(!r.longCaption().isEmpty() && !r.text().isEmpty());
            assertEquals("caption-InternVL2.0", r.longCaptionType());
            images.add(r.imagePath());
        }
        assertEquals(5, images.size()); // 5 distinct images repeated, as the README says
    }

    @Test
    void withoutAnImageRootTheMetaFoldersParentIsSearched() {
        T2IDataset ds = T2IDataset.builder(OFFICIAL.resolve("splits")).build();
        assertEquals(new ImageRoot(OFFICIAL, "data/infinity_toy_data/"), ds.imageRoot());
        assertEquals(0, ds.skipLog().total());
    }

    @Test
    void theImageRootPrefixIsDetectedFromALine() {
        ImageRoot root = ImageRoot.detect(OFFICIAL, "data/infinity_toy_data/images/1220076234599834949.jpg");
        assertEquals(new ImageRoot(OFFICIAL, "data/infinity_toy_data/"), root);
        assertEquals(OFFICIAL.resolve("images/x.jpg"), root.resolve("data/infinity_toy_data/images/x.jpg"));
    }

    @Test
    void batchesHaveTheTemplatePixelSizeAndOfficialCaptions() {
        T2IDataset ds = official().batchSize(3).shortCaptionProb(1.0).build();
        T2IDataset.BatchStream it = ds.stream();
        for (int b = 0; b < 2; b++) {
            Batch batch = it.next();
            assertEquals("1.500", batch.template());
            assertEquals(3, batch.size());
            HostTensor x = batch.images();
            assertEquals(List.of(3L, 3L, 336L, 224L), java.util.Arrays.stream(x.shape()).boxed().toList());
            for (float v : x.toFloatArray()) assertTrue(v >= -1f && v <= 1f);
            for (Batch.Sample s : batch.samples()) {
                assertEquals(s.record().text(), s.caption()); // short caption probability 1
                assertEquals(224, s.image().getWidth());
                assertEquals(336, s.image().getHeight());
            }
        }
        assertEquals(0, ds.skipLog().total());
    }
}
