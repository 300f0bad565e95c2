package dev.infinity.workbench.eval;

import dev.infinity.workbench.data.ImageRoot;
import dev.infinity.workbench.data.SkipLog;
import dev.infinity.workbench.data.T2IDataset;
import dev.infinity.workbench.data.toy.ToyPrompt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed toy data set scored as if its images were generated: the detector's view of real images. */
class GenEvalCeilingTest {
    static final Path DATA = ToyDetectorTest.repoRoot().resolve("data/infinity_toy_data");

    @Test
    void realToyImagesPassTheirOwnSingleObjectPromptsAndABlankImagePassesNone() throws Exception {
        List<ToyPrompt> prompts = ToyPrompt.readAll(DATA.resolve("eval_prompts.jsonl")).stream()
                .filter(p -> p.tag().equals("single_object")).toList();
        List<List<Path>> images = GenEvalCeiling.captionedImages(prompts, T2IDataset.builder(DATA.resolve("splits")).build(), 1.0);
        assertEquals(prompts.size(), images.size());
        long count = images.stream().mapToLong(List::size).sum();
        assertTrue(count >= 20, "the square template has " + count + " single-object training images of the evaluation prompts");
        for (Path f : images.stream().flatMap(List::stream).toList()) assertTrue(Files.isRegularFile(f), f + " resolved");

        List<GenEvalScorer.Outcome> real = GenEvalCeiling.score(prompts, images, 64, (prompt, img) -> img);
        assertEquals(count, real.size());
        long correct = real.stream().filter(GenEvalScorer.Outcome::correct).count();
        assertTrue(correct >= 0.95 * count, correct + " of " + count + " real 64x64 images pass their own prompt");

        BiFunction<String, BufferedImage, BufferedImage> blank = (prompt, img) -> new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        assertEquals(0, GenEvalCeiling.score(prompts, images, 64, blank).stream().filter(GenEvalScorer.Outcome::correct).count());
    }

    @Test
    void aMalformedRecordIsSkippedAndNamedByFileAndLine(@TempDir Path dir) throws Exception {
        Path splits = Files.createDirectories(dir.resolve("splits"));
        Files.writeString(splits.resolve("1.000_000000002.jsonl"),
                "{\"image_path\":\"a.png\",\"h_div_w\":1.0,\"long_caption\":\"x\",\"text\":\"a red circle\"}\n{not json\n");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", splits.resolve("a.png").toFile());
        List<ToyPrompt> prompts = List.of(ToyPrompt.readAll(DATA.resolve("eval_prompts.jsonl")).get(0),
                new ToyPrompt("single_object", "a red circle", List.of(), List.of(), false));
        T2IDataset data = T2IDataset.builder(splits).imageRoot(new ImageRoot(splits, "")).build();
        List<List<Path>> images = GenEvalCeiling.captionedImages(prompts, data, 1.0);
        assertEquals(List.of(List.of(), List.of(splits.resolve("a.png"))), images);
        assertEquals(1, data.skipLog().count(SkipLog.Reason.MALFORMED_LINE));
        assertTrue(data.skipLog().firstReasons().get(0).startsWith("1.000_000000002.jsonl:2"), data.skipLog().firstReasons().toString());
        assertThrows(IllegalArgumentException.class, () -> GenEvalCeiling.captionedImages(prompts, data, 0.5));
    }
}
