package dev.infinity.workbench.eval;

import dev.infinity.workbench.data.DataRecord;
import dev.infinity.workbench.data.ImageLoader;
import dev.infinity.workbench.data.ImagePreprocess;
import dev.infinity.workbench.data.T2IDataset;
import dev.infinity.workbench.data.toy.ToyPrompt;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The GenEval-style score of a data set's own images: for each evaluation prompt, the training images whose short
 * caption ({@code text}) is exactly that prompt, resized and centre-cropped to the generator's size, optionally
 * transformed first. On the images themselves it checks the detector at that size; after a tokenizer round trip it is
 * the ceiling of every generator on that tokenizer (a model that reproduced its training images exactly would score
 * this); after a model's teacher-forced prediction ({@code ToyModel.teacherForced}) it separates the model's own
 * mistakes from those that compound while sampling.
 */
public final class GenEvalCeiling {
    private GenEvalCeiling() {}

    /**
     * The image files per prompt (in prompt order; an empty list where no record's short caption is the prompt) among
     * the usable records of {@code data}'s template {@code hDivW} (malformed lines and missing images are skipped and
     * counted by the data set, as for training).
     */
    public static List<List<Path>> captionedImages(List<ToyPrompt> prompts, T2IDataset data, double hDivW) {
        String template = data.templates().stream().filter(t -> Math.abs(t.hDivW() - hDivW) < 1e-3).map(T2IDataset.TemplateInfo::template)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no split file of template h/w " + hDivW + " (templates: "
                        + data.templates().stream().map(T2IDataset.TemplateInfo::template).toList() + ")"));
        Map<String, List<Path>> byCaption = new HashMap<>();
        for (DataRecord r : data.records(template)) {
            if (r.text() != null) byCaption.computeIfAbsent(r.text(), k -> new ArrayList<>()).add(data.imageRoot().resolve(r.imagePath()));
        }
        List<List<Path>> out = new ArrayList<>();
        for (ToyPrompt p : prompts) out.add(byCaption.getOrDefault(p.prompt(), List.of()));
        return out;
    }

    /**
     * Scores every image of {@code images.get(i)} against {@code prompts.get(i)} after resizing and centre-cropping it
     * to {@code size} x {@code size} and applying {@code transform} (prompt text, image → image; {@code (p, img) -> img}
     * for the images themselves). Prompts without images contribute nothing.
     */
    public static List<GenEvalScorer.Outcome> score(List<ToyPrompt> prompts, List<List<Path>> images, int size,
                                                    BiFunction<String, BufferedImage, BufferedImage> transform) {
        GenEvalScorer scorer = new GenEvalScorer();
        List<GenEvalScorer.Outcome> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            for (Path file : images.get(i)) {
                BufferedImage img;
                try {
                    img = ImagePreprocess.resizeCrop(ImageLoader.read(file), size, size);
                } catch (IOException e) {
                    throw new UncheckedIOException(e.getMessage(), e);
                }
                out.add(scorer.score(prompts.get(i), transform.apply(prompts.get(i).prompt(), img)));
            }
        }
        return out;
    }
}
