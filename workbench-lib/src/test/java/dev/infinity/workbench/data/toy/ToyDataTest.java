package dev.infinity.workbench.data.toy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.infinity.workbench.data.DataRecord;
import dev.infinity.workbench.data.ImageLoader;
import dev.infinity.workbench.data.ImageRoot;
import dev.infinity.workbench.data.T2IDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The toy generator: determinism, captions that say what the picture shows, the committed set, held-out prompts. */
class ToyDataTest {
    @TempDir
    Path tmp;

    static Path committed() {
        for (Path p : new Path[] {Path.of("../data/infinity_toy_data"), Path.of("data/infinity_toy_data")}) {
            if (Files.isDirectory(p.resolve("splits"))) return p.toAbsolutePath().normalize();
        }
        throw new IllegalStateException("data/infinity_toy_data not found");
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return out;
    }

    @Test
    void sameSeedGivesByteIdenticalFiles() throws IOException {
        new ToyDataGenerator().out(tmp.resolve("a")).seed(3).count(8).promptsPerTag(3).generate();
        new ToyDataGenerator().out(tmp.resolve("b")).seed(3).count(8).promptsPerTag(3).generate();
        new ToyDataGenerator().out(tmp.resolve("c")).seed(4).count(8).promptsPerTag(3).generate();
        Map<String, byte[]> a = files(tmp.resolve("a")), b = files(tmp.resolve("b")), c = files(tmp.resolve("c"));
        assertEquals(8 + 4 + 1, a.size(), a.keySet().toString());
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), k);
        assertFalse(Arrays.equals(a.get("images/000000.png"), c.get("images/000000.png")), "another seed, another picture");
    }

    /** A training set of one template: every image of that size, in one split file named with its count. */
    @Test
    void chosenTemplatesOnly() throws IOException {
        ToyDataGenerator.Summary s = new ToyDataGenerator().out(tmp.resolve("sq")).seed(1).count(6).promptsPerTag(1).templates(1.0).generate();
        assertEquals(List.of("1.000_000000006.jsonl"), s.metaFiles().stream().map(f -> f.getFileName().toString()).toList());
        try (Stream<Path> images = Files.list(tmp.resolve("sq/images"))) {
            for (Path p : images.toList()) assertEquals(256, ImageLoader.read(p).getWidth(), p.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> new ToyDataGenerator().templates(1.25));
    }

    /**
     * A generator training set whose prompts leave nothing open: every scene on the chosen background, every single
     * object large and in the middle (and the caption says so); the other kinds are drawn as before.
     */
    @Test
    void chosenBackgroundsAndCentredSingles() {
        ToySceneSampler sampler = new ToySceneSampler(new Random(5), new ToySceneSampler.Options(List.of(ToyBackground.BLACK), true));
        for (int i = 0; i < 200; i++) {
            ToyScene.Kind kind = ToyScene.Kind.values()[i % ToyScene.Kind.values().length];
            ToyScene scene = sampler.sample(kind, 256, 256);
            assertEquals(ToyBackground.BLACK, scene.background());
            if (kind != ToyScene.Kind.SINGLE) continue;
            ToyObject o = scene.objects().get(0);
            assertTrue(Math.abs(o.cx() - 0.5) <= ToySceneSampler.CENTRED_JITTER && Math.abs(o.cy() - 0.5) <= ToySceneSampler.CENTRED_JITTER, o.toString());
            assertTrue(o.size() >= ToySceneSampler.CENTRED_MIN_SIZE && o.size() <= ToySceneSampler.CENTRED_MAX_SIZE, o.toString());
            assertTrue(scene.longCaption().contains("on a plain black background. The " + o.noun(1) + " is large and sits in the center part"),
                    scene.longCaption());
        }
        assertEquals(ToyBackground.SLATE, ToyBackground.parse(" Slate"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToyBackground.parseList("black,white"));
        assertTrue(e.getMessage().contains("'white'") && e.getMessage().contains("dark gray"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ToySceneSampler.Options(List.of(), false));
    }

    @Test
    void shapeWordsShiftInTheirNumber() {
        assertEquals("two red crosses", ToyShape.shiftShapeWords("two red stars", 1));
        assertEquals("a blue circle to the left of a green square", ToyShape.shiftShapeWords("a blue cross to the left of a green circle", 1));
        assertEquals("three white triangles", ToyShape.shiftShapeWords("three white triangles", 5));
        assertEquals("a purple star", ToyShape.shiftShapeWords("a purple circle", -2));
    }

    private static final Pattern NOUN = Pattern.compile("an? (\\w+) (\\w+)");

    /** Parses a short caption back into (colour, shape, count) groups and the relation. */
    private static List<ToyScene.Group> parse(String caption, ToyRelation[] relation) {
        List<ToyScene.Group> g = new ArrayList<>();
        Matcher count = Pattern.compile("(two|three) (\\w+) (\\w+)").matcher(caption);
        if (count.matches()) {
            g.add(new ToyScene.Group(ToyColor.parse(count.group(2)), ToyShape.parse(count.group(3)), count.group(1).equals("two") ? 2 : 3));
            return g;
        }
        String[] parts = caption.split(" and | to the left of | to the right of | above | below ");
        for (ToyRelation r : ToyRelation.values()) if (caption.contains(" " + r.phrase() + " a")) relation[0] = r;
        for (String part : parts) {
            Matcher m = NOUN.matcher(part);
            assertTrue(m.matches(), "'" + part + "' in '" + caption + "'");
            g.add(new ToyScene.Group(ToyColor.parse(m.group(1)), ToyShape.parse(m.group(2)), 1));
        }
        return g;
    }

    @Test
    void captionsDescribeWhatIsRendered() {
        ToySceneSampler sampler = new ToySceneSampler(new Random(42));
        int scenes = 0;
        for (ToyDataGenerator.Template t : ToyDataGenerator.TEMPLATES) {
            for (ToyScene.Kind kind : ToyScene.Kind.values()) {
                for (int i = 0; i < 12; i++, scenes++) {
                    ToyScene s = sampler.sample(kind, t.height(), t.width());
                    String shortCaption = s.shortCaption();
                    ToyRelation[] rel = new ToyRelation[1];
                    assertEquals(s.groups(), parse(shortCaption, rel), shortCaption);
                    assertEquals(s.relation(), rel[0], shortCaption);
                    List<Rectangle2D> boxes = s.objects().stream().map(o -> o.box(t.height(), t.width())).toList();
                    if (s.relation() != null) assertEquals(Set.of(s.relation()), ToyRelation.between(boxes.get(0), boxes.get(1)), shortCaption);
                    String longCaption = s.longCaption();
                    assertTrue(longCaption.contains(shortCaption + " on a plain " + s.background().word + " background."), longCaption);
                    for (ToyObject o : s.objects()) {
                        assertTrue(longCaption.contains(ToyScene.sizeWord(o.size()) + " and sits in the " + ToyScene.region(o) + " part"), longCaption);
                    }
                    BufferedImage img = s.render(t.height(), t.width());
                    Rectangle2D frame = new Rectangle2D.Double(0, 0, t.width(), t.height());
                    for (int k = 0; k < boxes.size(); k++) {
                        assertTrue(frame.contains(boxes.get(k)), "inside the picture: " + shortCaption);
                        for (int j = 0; j < k; j++) assertFalse(boxes.get(j).intersects(boxes.get(k)), "apart: " + shortCaption);
                        ToyObject o = s.objects().get(k);
                        int x = (int) (o.cx() * t.width()), y = (int) (o.cy() * t.height());
                        assertEquals(o.color().rgb(), img.getRGB(x, y) & 0xFFFFFF, "centre of " + o + " in " + shortCaption);
                    }
                    assertEquals(s.background().rgb(), background(img, boxes) & 0xFFFFFF);
                }
            }
        }
        assertEquals(192, scenes);
    }

    /** A pixel outside every box. */
    private static int background(BufferedImage img, List<Rectangle2D> boxes) {
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                int fx = x, fy = y;
                if (boxes.stream().noneMatch(b -> b.intersects(fx - 1, fy - 1, 3, 3))) return img.getRGB(x, y);
            }
        }
        throw new AssertionError("no background pixel");
    }

    @Test
    void theCommittedDataSetReadsCleanlyAndMatchesItsScenes() throws IOException {
        Path dir = committed();
        T2IDataset ds = T2IDataset.builder(dir.resolve("splits")).imageRoot(ImageRoot.detect(dir, "data/infinity_toy_data/images/000000.png")).build();
        assertEquals(0, ds.skipLog().total(), ds.skipLog().toString());
        assertTrue(ds.skipLog().countMismatches().isEmpty());
        assertEquals(1000, ds.size());
        Map<String, Integer> usable = new HashMap<>();
        ds.templates().forEach(t -> usable.put(t.template(), t.usable()));
        assertEquals(Map.of("1.000", 480, "0.750", 200, "1.333", 200, "0.500", 120), usable);
        Random pick = new Random(0);
        for (ToyDataGenerator.Template t : ToyDataGenerator.TEMPLATES) {
            List<DataRecord> recs = ds.records(String.format(java.util.Locale.ROOT, "%.3f", t.hDivW()));
            for (DataRecord r : recs) {
                assertEquals((double) t.height() / t.width(), r.hDivW(), 1e-12);
                ToyScene s = ToyScene.fromJson(sceneOf(r));
                assertEquals(s.shortCaption(), r.text(), r.where());
                assertEquals(s.longCaption(), r.longCaption(), r.where());
            }
            for (int i = 0; i < 5; i++) { // re-render a few: the committed pictures are exactly the scenes
                DataRecord r = recs.get(pick.nextInt(recs.size()));
                BufferedImage want = ImageLoader.read(dir.resolve(r.imagePath().substring("data/infinity_toy_data/".length())));
                BufferedImage got = ToyScene.fromJson(sceneOf(r)).render(t.height(), t.width());
                assertEquals(t.width(), want.getWidth());
                assertEquals(t.height(), want.getHeight());
                assertArrayEquals(ImageLoader.rgb(want), ImageLoader.rgb(got), r.where());
            }
        }
    }

    private final Map<Path, List<String>> metaLines = new HashMap<>();

    /** The toy_scene field of a meta line (from the file: DataRecord keeps only the official fields). */
    private JsonObject sceneOf(DataRecord r) throws IOException {
        List<String> lines = metaLines.get(r.file().path());
        if (lines == null) metaLines.put(r.file().path(), lines = Files.readAllLines(r.file().path(), StandardCharsets.UTF_8));
        return JsonParser.parseString(lines.get((int) r.line() - 1)).getAsJsonObject().getAsJsonObject("toy_scene");
    }

    @Test
    void heldOutPromptsAreDisjointFromTraining() throws IOException {
        Path dir = committed();
        Set<String> shortCaptions = new HashSet<>();
        List<String> longCaptions = new ArrayList<>();
        Set<String> trainingPairs = new HashSet<>();
        try (Stream<Path> s = Files.list(dir.resolve("splits"))) {
            for (Path f : s.toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    shortCaptions.add(o.get("text").getAsString());
                    longCaptions.add(o.get("long_caption").getAsString());
                    List<ToyObject> objs = ToyScene.fromJson(o.getAsJsonObject("toy_scene")).objects();
                    for (ToyObject a : objs) for (ToyObject b : objs) trainingPairs.add(a.noun(1) + "+" + b.noun(1));
                }
            }
        }
        List<ToyPrompt> prompts = ToyPrompt.readAll(dir.resolve("eval_prompts.jsonl"));
        Map<String, Integer> perTag = new HashMap<>();
        for (ToyPrompt p : prompts) {
            perTag.merge(p.tag(), 1, Integer::sum);
            assertEquals(!shortCaptions.contains(p.prompt()), p.heldOut(), p.prompt());
            if (p.tag().equals("position") || p.tag().equals("color_attr")) {
                assertTrue(p.heldOut(), p.prompt());
                ToyPrompt.Requirement a = p.include().get(0), b = p.include().get(1);
                assertTrue(ToySceneSampler.isHeldOut(a.color(), a.shape(), b.color(), b.shape()), p.prompt());
                String na = a.color().word() + " " + a.shape().word(), nb = b.color().word() + " " + b.shape().word();
                assertFalse(trainingPairs.contains(na + "+" + nb), "pair seen in training: " + p.prompt());
                assertTrue(longCaptions.stream().noneMatch(c -> c.contains(p.prompt())), p.prompt());
            }
            if (p.tag().equals("position")) {
                ToyPrompt.Requirement moved = p.include().get(1);
                assertEquals(0, moved.relativeTo());
                assertTrue(p.prompt().contains(" " + moved.relation().phrase() + " "), p.prompt());
            }
            if (p.tag().equals("counting")) assertEquals(p.include().get(0).count() + 1, p.exclude().get(0).count());
        }
        assertEquals(Map.of("single_object", 25, "two_object", 25, "counting", 25, "colors", 25, "position", 25, "color_attr", 25), perTag);
        assertTrue(prompts.stream().filter(p -> p.tag().equals("colors")).anyMatch(p -> !p.heldOut()), "in-distribution prompts exist");
    }
}
