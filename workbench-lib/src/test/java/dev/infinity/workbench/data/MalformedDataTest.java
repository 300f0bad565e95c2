package dev.infinity.workbench.data;

import dev.infinity.workbench.data.SkipLog.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed lines, missing and corrupt images are skipped, counted and reported with file and line; nothing crashes. */
class MalformedDataTest {
    @TempDir
    Path tmp;

    /** Three good official lines, then one of each kind of bad line; the file name announces 13 lines, it has 12. */
    private Path writeSplits() throws IOException {
        List<String> official = Files.readAllLines(OfficialToyDataTest.OFFICIAL.resolve("splits/1.500_000002500.jsonl"), StandardCharsets.UTF_8);
        Path images = Files.createDirectories(tmp.resolve("images"));
        Path garbage = Files.write(images.resolve("garbage.jpg"), "this is not a jpeg".getBytes(StandardCharsets.US_ASCII));
        byte[] real = Files.readAllBytes(OfficialToyDataTest.OFFICIAL.resolve("images/1713835988126009050.jpg"));
        Path truncated = Files.write(images.resolve("truncated.jpg"), java.util.Arrays.copyOf(real, real.length / 3));
        List<String> lines = new ArrayList<>(official.subList(0, 3));
        lines.add("{\"image_path\": \"data/infinity_toy_data/images/1220076234599834949.jpg\", \"h_div_w\": 1.5, ");  // 4: bad JSON
        lines.add("{\"h_div_w\": 1.5, \"long_caption\": \"no image path\"}");                                         // 5: missing field
        lines.add(official.get(0).replaceFirst("\"h_div_w\": [0-9.]+", "\"h_div_w\": 1e999"));                      // 6: non-finite
        lines.add(official.get(0).replaceFirst("\"h_div_w\": [0-9.]+", "\"h_div_w\": \"tall\""));                   // 7: not a number
        lines.add("");                                                                                                // 8: blank
        lines.add(official.get(0).replaceFirst("\"h_div_w\": [0-9.]+", "\"h_div_w\": 1.0"));                        // 9: other template
        lines.add(official.get(0).replace("1220076234599834949.jpg", "missing.jpg"));                                // 10: missing image
        lines.add(official.get(1).replace("data/infinity_toy_data/images/3861311014320456446.jpg", garbage.toString()));   // 11: corrupt
        lines.add(official.get(2).replaceFirst("\"image_path\": \"[^\"]+\"", "\"image_path\": \"" + truncated + "\""));     // 12: truncated
        Path splits = Files.createDirectories(tmp.resolve("splits"));
        Files.write(splits.resolve("1.500_000000013.jsonl"), lines, StandardCharsets.UTF_8);
        return splits;
    }

    private T2IDataset.Builder builder(Path splits) {
        return T2IDataset.builder(splits).imageRoot(new ImageRoot(OfficialToyDataTest.OFFICIAL, "data/infinity_toy_data/"))
                .pixelSize(48, 32).batchSize(2).keepReasons(20);
    }

    @Test
    void scanCountsEachBadLineWithFileAndLine() throws IOException {
        T2IDataset ds = builder(writeSplits()).build();
        SkipLog log = ds.skipLog();
        assertEquals(5, log.count(Reason.MALFORMED_LINE), log.firstReasons().toString());
        assertEquals(1, log.count(Reason.WRONG_TEMPLATE));
        assertEquals(1, log.count(Reason.MISSING_IMAGE));
        assertEquals(0, log.count(Reason.CORRUPT_IMAGE)); // found only when loaded
        assertEquals(5, ds.templates().get(0).usable());   // 3 good + the 2 corrupt images
        List<String> reasons = log.firstReasons();
        assertTrue(reasons.get(0).startsWith("1.500_000000013.jsonl:4: malformed line: bad JSON"), reasons.get(0));
        assertTrue(reasons.get(1).contains(":5:") && reasons.get(1).contains("missing field 'image_path'"), reasons.get(1));
        assertTrue(reasons.get(2).contains(":6:") && reasons.get(2).contains("non-finite"), reasons.get(2));
        assertTrue(reasons.get(3).contains(":7:") && reasons.get(3).contains("not a number"), reasons.get(3));
        assertTrue(reasons.get(4).contains(":8:"), reasons.get(4));
        assertTrue(reasons.get(5).contains(":9: wrong template"), reasons.get(5));
        assertTrue(reasons.get(6).contains(":10: missing image") && reasons.get(6).contains("missing.jpg"), reasons.get(6));
        assertEquals(List.of("1.500_000000013.jsonl: the name announces 13 lines, the file has 12"), log.countMismatches());
    }

    @Test
    void corruptImagesAreSkippedWhileLoadingAndBatchesStayFull() throws IOException {
        T2IDataset ds = builder(writeSplits()).build();
        T2IDataset.BatchStream it = ds.stream();
        Set<Long> lines = new HashSet<>();
        for (int i = 0; i < 6; i++) { // 2 batches per epoch: three epochs
            Batch b = it.next();
            assertEquals(2, b.size());
            b.samples().forEach(s -> lines.add(s.record().line()));
        }
        assertEquals(Set.of(1L, 2L, 3L), lines);
        SkipLog log = ds.skipLog();
        assertEquals(2, log.count(Reason.CORRUPT_IMAGE), log.toString()); // each bad image counted once per stream
        assertTrue(log.firstReasons().stream().anyMatch(r -> r.startsWith("1.500_000000013.jsonl:11: corrupt image")), log.firstReasons().toString());
        assertTrue(log.firstReasons().stream().anyMatch(r -> r.startsWith("1.500_000000013.jsonl:12: corrupt image")), log.firstReasons().toString());
    }

    @Test
    void aTemplateWithoutAnyLoadableImageFailsWithAClearMessage() throws IOException {
        Path splits = Files.createDirectories(tmp.resolve("bad"));
        Path garbage = Files.write(tmp.resolve("g.png"), new byte[] {1, 2, 3});
        Files.writeString(splits.resolve("1.000_000000001.jsonl"),
                "{\"image_path\": \"" + garbage + "\", \"h_div_w\": 1.0, \"long_caption\": \"x\"}\n");
        T2IDataset ds = T2IDataset.builder(splits).pixelSize(8, 8).build();
        T2IDataset.BatchStream it = ds.stream();
        IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
        assertTrue(e.getMessage().contains("template 1.000: no image could be loaded"), e.getMessage());
        assertThrows(IllegalStateException.class, it::next); // again, rather than looping
        assertEquals(1, ds.skipLog().count(Reason.CORRUPT_IMAGE)); // one bad image, counted once
    }

    @Test
    void aTemplateSmallerThanTheBatchRepeatsItsLines() throws IOException {
        Path splits = Files.createDirectories(tmp.resolve("small"));
        String line = Files.readAllLines(OfficialToyDataTest.OFFICIAL.resolve("splits/1.500_000002500.jsonl"), StandardCharsets.UTF_8).get(0);
        Files.writeString(splits.resolve("1.500_000000001.jsonl"), line + "\n");
        T2IDataset ds = builder(splits).batchSize(3).build();
        assertEquals(1, ds.batchesPerEpoch());
        Batch b = ds.stream().next();
        assertEquals(3, b.size());
        assertTrue(b.samples().stream().allMatch(x -> x.record().line() == 1));
    }

    @Test
    void badFolderAndFileNamesAreClearErrors() throws IOException {
        assertThrows(java.io.UncheckedIOException.class, () -> T2IDataset.builder(tmp.resolve("nope")).build());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThrows(java.io.UncheckedIOException.class, () -> T2IDataset.builder(empty).build());
        Files.writeString(empty.resolve("train.jsonl"), "{}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> T2IDataset.builder(empty).build());
        assertTrue(e.getMessage().contains("train.jsonl"), e.getMessage());
        assertFalse(SplitFile.parse(Path.of("1.5_x.jsonl")).isPresent());
    }
}
