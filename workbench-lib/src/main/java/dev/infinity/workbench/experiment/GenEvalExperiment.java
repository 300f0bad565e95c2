package dev.infinity.workbench.experiment;

import dev.infinity.workbench.data.toy.ToyPrompt;
import dev.infinity.workbench.eval.GenEvalScorer;
import dev.infinity.workbench.eval.ToyDetector;
import dev.infinity.workbench.eval.TokenizerTable;
import dev.infinity.workbench.infer.Generation;
import dev.infinity.workbench.model.ToyModel;
import dev.infinity.workbench.tokenizer.Tokenizer;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A GenEval-style score of a toy text-to-image model: {@code samples} images per held-out prompt of
 * {@code eval_prompts.jsonl} (GenEval folder layout {@code images/NNNNN/samples/SS.png}), each checked by the toy
 * detector against the prompt's objects, counts, colours and relation; per-tag and overall accuracy in
 * {@code geneval.csv}, and per image the verdict, its reason and the detections in {@code images.csv}.
 */
public final class GenEvalExperiment implements Experiment {
    @Override public String kind() { return "geneval-toy"; }

    @Override
    public void run(ExperimentContext ctx) throws Exception {
        ExperimentSpec spec = ctx.spec();
        Path modelDir = ctx.repoRoot().resolve(spec.getString("model", "models/toy"));
        List<ToyPrompt> prompts = ToyPrompt.readAll(ctx.repoRoot().resolve(spec.getString("prompts", "data/infinity_toy_data/eval_prompts.jsonl")));
        int samples = spec.getInt("samples", 2), batch = spec.getInt("batch", 25);
        Path images = ctx.outDir().resolve("images");
        ctx.part("images", () -> {
            try (ToyModel toy = ToyModel.load(modelDir)) {
                for (int s = 0; s < samples; s++) {
                    for (int start = 0; start < prompts.size(); start += batch) {
                        List<String> texts = prompts.subList(start, Math.min(prompts.size(), start + batch)).stream().map(ToyPrompt::prompt).toList();
                        var options = toy.defaults().cfg(spec.getDouble("cfg", 3)).tau(spec.getDouble("tau", 1)).seed(spec.getInt("seed", 0) * 1000L + s).build();
                        try (Generation g = toy.generate(texts, options)) {
                            List<BufferedImage> out = Tokenizer.toImages(g.image());
                            for (int i = 0; i < out.size(); i++) write(out.get(i), images.resolve(String.format(Locale.ROOT, "%05d/samples/%02d.png", start + i, s)));
                        }
                    }
                    System.err.printf(Locale.ROOT, "[%s] samples %d/%d generated for %d prompts%n", spec.name(), s + 1, samples, prompts.size());
                }
            }
            return null;
        });
        ctx.part("score", () -> {
            ToyDetector detector = new ToyDetector();
            GenEvalScorer scorer = new GenEvalScorer(detector);
            List<GenEvalScorer.Outcome> outcomes = new ArrayList<>();
            // one row per image: what the detector found and why the image failed, GenEval's per-image results
            IntColumn promptIndex = IntColumn.create("prompt_index"), sample = IntColumn.create("sample");
            StringColumn tag = StringColumn.create("tag"), text = StringColumn.create("prompt"), reason = StringColumn.create("reason"),
                    found = StringColumn.create("detections");
            BooleanColumn correct = BooleanColumn.create("correct");
            for (int i = 0; i < prompts.size(); i++) {
                for (int s = 0; s < samples; s++) {
                    List<ToyDetector.Detection> detections = detector.detect(read(images.resolve(String.format(Locale.ROOT, "%05d/samples/%02d.png", i, s))));
                    GenEvalScorer.Outcome o = scorer.score(prompts.get(i), detections);
                    outcomes.add(o);
                    promptIndex.append(i);
                    sample.append(s);
                    tag.append(o.prompt().tag());
                    text.append(o.prompt().prompt());
                    correct.append(o.correct());
                    reason.append(o.reason());
                    found.append(String.join("; ", detections.stream().map(ToyDetector.Detection::summary).toList()));
                }
            }
            TokenizerTable.writeCsv(Table.create("images", promptIndex, sample, tag, text, correct, reason, found), ctx.outDir().resolve("images.csv"));
            Table t = GenEvalScorer.table(outcomes);
            t.setName("GenEval-style score of " + ctx.repoRoot().relativize(modelDir) + " (" + samples + " samples per prompt)");
            TokenizerTable.writeCsv(t, ctx.outDir().resolve("geneval.csv"));
            System.out.println(t.printAll());
            return null;
        });
    }

    private static void write(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(image, "png", file.toFile())) throw new IOException("no PNG writer for " + file);
    }

    private static BufferedImage read(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) throw new IOException("not an image");
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
