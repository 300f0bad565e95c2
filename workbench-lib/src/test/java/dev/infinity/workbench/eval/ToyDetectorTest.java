package dev.infinity.workbench.eval;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.infinity.workbench.data.toy.ToyObject;
import dev.infinity.workbench.data.toy.ToyRelation;
import dev.infinity.workbench.data.toy.ToyScene;
import dev.infinity.workbench.data.toy.ToySceneSampler;
import dev.infinity.workbench.eval.ToyDetector.Detection;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToyDetectorTest {
    /** The repository root (tests run in workbench-lib/). */
    static Path repoRoot() {
        return Files.isDirectory(Path.of("data/infinity_toy_data")) ? Path.of(".") : Path.of("..");
    }

    /** True when the detections are exactly the scene's objects (shape and colour, as multisets) and relation. */
    static boolean matches(ToyScene scene, List<Detection> found) {
        if (found.size() != scene.objects().size()) return false;
        List<String> want = new ArrayList<>(), got = new ArrayList<>();
        for (ToyObject o : scene.objects()) want.add(o.color() + " " + o.shape());
        for (Detection d : found) got.add(d.color() + " " + d.shape());
        want.sort(null);
        got.sort(null);
        if (!want.equals(got)) return false;
        if (scene.relation() == null) return true;
        Detection a = found.stream().filter(d -> d.shape() == scene.objects().get(0).shape() && d.color() == scene.objects().get(0).color()).findFirst().orElseThrow();
        Detection b = found.stream().filter(d -> d != a).findFirst().orElseThrow();
        return ToyRelation.between(a.box(), b.box()).contains(scene.relation());
    }

    @Test
    void findsEveryObjectOfTheGeneratedToyDataSet() throws Exception {
        Path root = repoRoot();
        List<String> lines = new ArrayList<>();
        try (Stream<Path> splits = Files.list(root.resolve("data/infinity_toy_data/splits"))) {
            for (Path split : splits.sorted().toList()) lines.addAll(Files.readAllLines(split).subList(0, 40));
        }
        ToyDetector detector = new ToyDetector();
        int ok = 0;
        List<String> misses = new ArrayList<>();
        for (String line : lines) {
            JsonObject meta = JsonParser.parseString(line).getAsJsonObject();
            ToyScene scene = ToyScene.fromJson(meta.getAsJsonObject("toy_scene"));
            BufferedImage image = ImageIO.read(root.resolve(meta.get("image_path").getAsString()).toFile());
            List<Detection> found = detector.detect(image);
            if (matches(scene, found)) ok++;
            else misses.add(meta.get("image_path").getAsString() + ": " + scene.shortCaption() + " -> " + found);
        }
        assertEquals(160, lines.size());
        assertTrue(ok >= 0.98 * lines.size(), ok + "/" + lines.size() + " correct; misses: " + misses);
    }

    @Test
    void findsSampledScenesAtSmallerResolutions() {
        assertSampled(128, 0.98);
        assertSampled(64, 0.9); // objects of 9-17 px: small stars and crosses can be confused
    }

    private static void assertSampled(int size, double minAccuracy) {
        ToySceneSampler sampler = new ToySceneSampler(new Random(5));
        ToyDetector detector = new ToyDetector();
        int ok = 0, n = 0;
        List<String> misses = new ArrayList<>();
        for (ToyScene.Kind kind : ToyScene.Kind.values()) {
            for (int i = 0; i < 25; i++, n++) {
                ToyScene scene = sampler.sample(kind, size, size);
                List<Detection> found = detector.detect(scene.render(size, size));
                if (matches(scene, found)) ok++;
                else misses.add(scene.shortCaption() + " -> " + found);
            }
        }
        assertTrue(ok >= minAccuracy * n, size + " px: " + ok + "/" + n + " correct; misses: " + misses);
    }
}
