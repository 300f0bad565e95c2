package dev.infinity.workbench.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParser;
import dev.infinity.workbench.parity.TestPaths;
import dev.infinity.workbench.text.TextEncoders;
import dev.infinity.workbench.text.ToyTextEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code ./workbench generate} end to end with the golden tiny transformer and tokenizer and a toy text encoder. */
class GenerateCommandTest {
    @Test
    void writesAPngFromLocalFilesAndExplainsWhatIsMissing(@TempDir Path tmp) throws Exception {
        Path golden = TestPaths.shared().resolve("golden");
        assumeTrue(Files.exists(golden.resolve("infinity/infinity.pth")), "no golden weights");
        Path encoderDir = tmp.resolve("toy-text");
        try (NDManager m = NDManager.newBaseManager()) {
            ToyTextEncoder enc = TextEncoders.toy(m, 128, List.of("a red cube on a blue floor", "two green spheres"), 16);
            enc.save(encoderDir);
        }
        Path out = tmp.resolve("img.png");
        int rc = Main.run(new String[] {"generate", "--prompt", "a red cube", "--model", golden.resolve("infinity/infinity.pth").toString(),
                "--tokenizer", golden.resolve("vae/vae.pth").toString(), "--text-encoder", encoderDir.toString(),
                "--cfg", "3", "--tau", "1", "--seed", "1", "--out", out.toString()});
        assertEquals(0, rc);
        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(256, img.getWidth());
        assertEquals(256, img.getHeight());
        assertEquals(2, Main.run(new String[] {"generate", "--prompt", "x", "--text-encoder", encoderDir.toString(), "--out", tmp.resolve("y.png").toString()}));
        assertTrue(Files.notExists(tmp.resolve("y.png")));
    }

    @Test
    void withoutModelFilesUsesTheBundledToyModel(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.exists(dev.infinity.workbench.model.ToyModel.bundledPath().resolve("toy_model.json")), "no bundled toy model");
        Path out = tmp.resolve("toy.png");
        assertEquals(0, Main.run(new String[] {"generate", "--prompt", "a red circle", "--seed", "2", "--out", out.toString()}));
        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(64, img.getWidth());
        // without --cfg / --tau the bundle's own settings apply, not the official defaults
        var meta = JsonParser.parseString(Files.readString(dev.infinity.workbench.model.ToyModel.bundledPath().resolve("toy_model.json"))).getAsJsonObject();
        Path same = tmp.resolve("same.png"), official = tmp.resolve("official.png");
        assertEquals(0, Main.run(new String[] {"generate", "--prompt", "a red circle", "--seed", "2", "--cfg", meta.get("cfg").getAsString(),
                "--tau", meta.get("tau").getAsString(), "--out", same.toString()}));
        assertEquals(0, Main.run(new String[] {"generate", "--prompt", "a red circle", "--seed", "2", "--cfg", "3", "--tau", "1", "--out", official.toString()}));
        int[] a = pixels(img), b = pixels(ImageIO.read(same.toFile())), c = pixels(ImageIO.read(official.toFile()));
        assertArrayEquals(b, a, "default = the bundle's cfg and tau");
        if (meta.get("cfg").getAsDouble() != 3 || meta.get("tau").getAsDouble() != 1) assertFalse(Arrays.equals(a, c), "the official defaults are not used");
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
