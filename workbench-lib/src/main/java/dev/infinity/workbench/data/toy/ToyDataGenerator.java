package dev.infinity.workbench.data.toy;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.infinity.workbench.data.SplitFile;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.tokenizer.DynamicResolution;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the toy data set in the official layout:
 * <pre>
 *   OUT/images/000000.png ...                 rendered scenes
 *   OUT/splits/1.000_000000480.jsonl ...      one meta file per aspect template
 *   OUT/eval_prompts.jsonl                    held-out prompts with GenEval-style ground truth
 * </pre>
 * Each meta line has the official fields ({@code image_path} = {@code pathPrefix + "/images/NNNNNN.png"},
 * {@code h_div_w}, {@code long_caption}, {@code long_caption_type}, {@code text}, {@code short_caption_type})
 * plus {@code toy_scene}, the exact scene ({@link ToyScene#toJson}). The same seed gives byte-identical files.
 */
public final class ToyDataGenerator {
    /** An aspect template with its pixel size and its share of the images. */
    public record Template(double hDivW, int height, int width, double share) {
        /** The official 0.06M pixel size of a template. */
        static Template of(double hDivW, double share) {
            DynamicResolution.Entry e = DynamicResolution.entry(hDivW, "0.06M");
            return new Template(hDivW, e.pixelH(), e.pixelW(), share);
        }
    }

    /** 1:1 (256 x 256) and three other 0.06M templates: 3:4 landscape (240 x 320), 4:3 portrait (320 x 240), 1:2 wide (176 x 352). */
    public static final List<Template> TEMPLATES = List.of(
            Template.of(1.0, 0.48), Template.of(0.75, 0.2), Template.of(1.333, 0.2), Template.of(0.5, 0.12));

    /** Scene kinds with their probabilities (SINGLE, COUNT, PAIR, POSITION). */
    private static final double[] KIND_WEIGHTS = {0.3, 0.2, 0.2, 0.3};

    private Path out = Path.of("data/infinity_toy_data");
    private long seed = 0;
    private int count = 1000;
    private int promptsPerTag = 25;
    private String pathPrefix = "data/infinity_toy_data";
    private List<Template> templates = TEMPLATES;
    private ToySceneSampler.Options scenes = ToySceneSampler.Options.DEFAULT;

    public ToyDataGenerator out(Path dir) { this.out = dir; return this; }

    public ToyDataGenerator seed(long s) { this.seed = s; return this; }

    public ToyDataGenerator count(int n) {
        this.count = n;
        return this;
    }

    /**
     * Only the templates of these h/w ratios (of {@link #TEMPLATES}), sharing the images in their relative shares; e.g.
     * {@code templates(1.0)} for a square-only training set.
     */
    public ToyDataGenerator templates(double... hDivW) {
        List<Template> chosen = new ArrayList<>();
        for (double r : hDivW) {
            chosen.add(TEMPLATES.stream().filter(t -> Math.abs(t.hDivW() - r) < 1e-3).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "no toy template of h/w " + r + " (there are " + TEMPLATES.stream().map(Template::hDivW).toList() + ")")));
        }
        if (chosen.isEmpty()) throw new IllegalArgumentException("no templates chosen");
        this.templates = List.copyOf(chosen);
        return this;
    }

    /** Only these backgrounds (default: all of them); e.g. one, for a generator whose prompts never name it. */
    public ToyDataGenerator backgrounds(ToyBackground... chosen) {
        this.scenes = new ToySceneSampler.Options(List.of(chosen), scenes.centredSingles());
        return this;
    }

    /** Single objects large and in the middle instead of anywhere (default false; see {@link ToySceneSampler.Options}). */
    public ToyDataGenerator centredSingles(boolean on) {
        this.scenes = new ToySceneSampler.Options(scenes.backgrounds(), on);
        return this;
    }

    public ToyDataGenerator promptsPerTag(int n) { this.promptsPerTag = n; return this; }

    /** What {@code image_path} starts with (the official lines are relative to the project root). */
    public ToyDataGenerator pathPrefix(String p) { this.pathPrefix = p.endsWith("/") ? p.substring(0, p.length() - 1) : p; return this; }

    /** What was written. */
    public record Summary(int images, List<Path> metaFiles, Path prompts, int promptCount, long bytes) {}

    public Summary generate() {
        if (count < templates.size()) throw new IllegalArgumentException("count must be at least " + templates.size() + " (one image per template): " + count);
        Random rng = new Random(seed);
        ToySceneSampler sampler = new ToySceneSampler(rng, scenes);
        Path images = out.resolve("images"), splits = out.resolve("splits");
        removeOldOutput(images, "png");
        removeOldOutput(splits, "jsonl");
        int[] perTemplate = split(count, templates);
        List<Path> metaFiles = new ArrayList<>();
        Set<String> trainingCaptions = new HashSet<>();
        Gson gson = new Gson();
        int index = 0;
        long bytes = 0;
        for (int t = 0; t < templates.size(); t++) {
            Template tpl = templates.get(t);
            StringBuilder meta = new StringBuilder();
            for (int i = 0; i < perTemplate[t]; i++, index++) {
                ToyScene scene = sampler.sample(kind(rng), tpl.height(), tpl.width());
                String name = String.format(Locale.ROOT, "%06d.png", index);
                byte[] png = png(scene.render(tpl.height(), tpl.width()));
                AtomicFiles.write(images.resolve(name), ch -> {
                    ByteBuffer b = ByteBuffer.wrap(png);
                    while (b.hasRemaining()) ch.write(b);
                });
                bytes += png.length;
                JsonObject line = new JsonObject();
                line.addProperty("image_path", pathPrefix + "/images/" + name);
                line.addProperty("h_div_w", (double) tpl.height() / tpl.width());
                line.addProperty("long_caption", scene.longCaption());
                line.addProperty("long_caption_type", "toy-scene");
                line.addProperty("text", scene.shortCaption());
                line.addProperty("short_caption_type", "toy-scene-short");
                line.add("toy_scene", scene.toJson());
                meta.append(gson.toJson(line)).append('\n');
                trainingCaptions.add(scene.shortCaption());
            }
            Path file = splits.resolve(SplitFile.fileName(tpl.hDivW(), perTemplate[t]));
            AtomicFiles.writeString(file, meta.toString());
            metaFiles.add(file);
            bytes += size(file);
        }
        List<ToyPrompt> prompts = ToyEvalPrompts.generate(new Random(seed ^ 0x5EED_0F_E7A1L), trainingCaptions, promptsPerTag);
        StringBuilder p = new StringBuilder();
        for (ToyPrompt q : prompts) p.append(ToyPrompt.toJsonLine(q)).append('\n');
        Path promptFile = out.resolve("eval_prompts.jsonl");
        AtomicFiles.writeString(promptFile, p.toString());
        bytes += size(promptFile);
        return new Summary(count, metaFiles, promptFile, prompts.size(), bytes);
    }

    /** Images per template: the (relative) shares of {@code count}, the rounding remainder going to the first template. */
    static int[] split(int count, List<Template> templates) {
        double total = templates.stream().mapToDouble(Template::share).sum();
        int[] n = new int[templates.size()];
        int rest = count;
        for (int t = 1; t < n.length; t++) {
            n[t] = Math.max(1, (int) Math.round(count * templates.get(t).share() / total));
            rest -= n[t];
        }
        n[0] = rest;
        return n;
    }

    private static ToyScene.Kind kind(Random rng) {
        double u = rng.nextDouble();
        for (int k = 0; k < KIND_WEIGHTS.length; k++) {
            u -= KIND_WEIGHTS[k];
            if (u < 0) return ToyScene.Kind.values()[k];
        }
        return ToyScene.Kind.values()[KIND_WEIGHTS.length - 1];
    }

    private static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", b)) throw new IOException("no PNG writer");
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes files a previous run wrote (only {@code *.ext} directly in {@code dir}). */
    private static void removeOldOutput(Path dir, String ext) {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith("." + ext)).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear old output in " + dir + ": " + e.getMessage(), e);
        }
    }
}
