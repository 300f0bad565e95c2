package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.parity.TestPaths;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TokenizerTest {
    static final Path WEIGHTS = TestPaths.shared().resolve("golden/vae/vae.pth");

    static BufferedImage picture(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLUE);
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return img;
    }

    @Test
    void imageRoundTripUsesTheTemplateSizeAndSchedule() {
        assumeTrue(Files.exists(WEIGHTS), "no golden vae.pth");
        try (Tokenizer tok = Tokenizer.load(WEIGHTS, "tiny")) {
            // a 300x200 (w x h) image is prepared at the pixel size of the nearest h/w template for 0.06M
            DynamicResolution.Entry e = DynamicResolution.forAspect(200 / 300.0, "0.06M");
            MultiScaleCode code = tok.encode(picture(300, 200));
            ScaleSchedule s = code.schedule();
            assertEquals(e.scales(), s);
            assertEquals(new ScaleSchedule.Scale(e.pixelH() / 16, e.pixelW() / 16), s.last());
            assertTrue(e.pixelW() > e.pixelH());
            NDArray img = tok.decode(code);
            assertEquals(new Shape(1, 3, e.pixelH(), e.pixelW()), img.getShape());
            BufferedImage out = tok.decodeImage(code);
            assertEquals(e.pixelW(), out.getWidth());
            assertEquals(e.pixelH(), out.getHeight());
            NDArray fromBits = tok.vae().quantizer.decode(code.bits(), s);
            assertArrayEquals(code.quantized().toFloatArray(), fromBits.toFloatArray(), 2e-6f);
        }
    }

    @Test
    void preprocessingResizesCoversAndCentreCrops() {
        BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 40; x++) for (int y = 0; y < 20; y++) img.setRGB(x, y, x < 20 ? 0x000000 : 0xffffff);
        float[] t = ImagePreprocessor.toTensor(img, 10, 10); // resized to 20 x 10, centre 10 x 10 crop
        assertEquals(-1f, t[0], 1e-6f);                 // far left column is black
        assertEquals(1f, t[9], 1e-6f);                  // far right column is white
        assertEquals(t[0], t[100], 0f);                 // R and G planes agree for grey
        float[] flat = ImagePreprocessor.toTensor(picture(16, 16), 16, 16);
        assertEquals(3 * 16 * 16, flat.length);
        BufferedImage back = ImagePreprocessor.toImage(flat, 16, 16);
        assertEquals(picture(16, 16).getRGB(0, 0), back.getRGB(0, 0)); // (x+1)/2*255 truncation restores 8-bit values
    }

    @Test
    void badInputsAreClearErrors() {
        try (Tokenizer tok = Tokenizer.create(VaeConfig.builder().baseChannels(32).chMult(1, 1, 2, 2).numResBlocks(1).patchSize(8).codebookDim(16).build());
             NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException channels = assertThrows(IllegalArgumentException.class, () -> tok.encode(m.zeros(new Shape(1, 4, 32, 32))));
            assertTrue(channels.getMessage().contains("(B, 3, H, W)"), channels.getMessage());
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> tok.encode(m.zeros(new Shape(1, 3, 4, 4))));
            assertTrue(small.getMessage().contains("smaller than one latent cell"), small.getMessage());
            IllegalArgumentException smallImage = assertThrows(IllegalArgumentException.class, () -> tok.encode(picture(5, 40)));
            assertTrue(smallImage.getMessage().contains("smaller than one latent cell"), smallImage.getMessage());
            NDArray nan = m.zeros(new Shape(1, 3, 32, 32));
            nan.set(new ai.djl.ndarray.index.NDIndex("0, 1, 5, 5"), Float.NaN);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> tok.encode(nan));
            assertTrue(bad.getMessage().contains("NaN"), bad.getMessage());
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> tok.encode(m.zeros(new Shape(1, 3, 36, 32))));
            assertTrue(odd.getMessage().contains("multiple of the patch size"), odd.getMessage());
            assertEquals(List.of(new ScaleSchedule.Scale(2, 2), new ScaleSchedule.Scale(4, 4)), tok.scheduleFor(4, 4).scales());
        }
    }

    @Test
    void midAttentionVariantHasTheOfficialKeysAndRuns() {
        VaeConfig cfg = VaeConfig.builder().baseChannels(32).chMult(1, 1, 2, 2).numResBlocks(1).patchSize(8).codebookDim(16).midAttention(true).build();
        try (Tokenizer tok = Tokenizer.create(cfg); NDManager m = NDManager.newBaseManager()) {
            for (String k : List.of("encoder.mid.attn_1.norm.norm.weight", "encoder.mid.attn_1.q.conv.weight", "decoder.mid.attn_1.proj_out.conv.bias")) {
                assertTrue(tok.vae().namedParameters().containsKey(k), k);
            }
            NDArray x = m.create(TrainingImages.shapes(5).heldOut(0, 32), new Shape(1, 3, 32, 32));
            assertEquals(new Shape(1, 3, 32, 32), tok.decode(tok.encode(x)).getShape());
        }
    }

    @Test
    void imageFolderSplitsOffHeldOutImages(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) javax.imageio.ImageIO.write(picture(40 + 10 * i, 30), "png", dir.resolve("img" + i + ".png").toFile());
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        TrainingImages images = TrainingImages.folder(dir);
        assertEquals(1, images.heldOutCount());
        assertEquals(3 * 16 * 16, images.image(0, 16).length);
        assertArrayEquals(images.image(0, 16), images.image(2, 16), 0f); // two training images, cycled
        assertArrayEquals(ImagePreprocessor.toTensor(picture(60, 30), 16, 16), images.heldOut(0, 16), 0f); // the last file
        Files.delete(dir.resolve("img1.png"));
        Files.delete(dir.resolve("img2.png"));
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class, () -> TrainingImages.folder(dir));
        assertTrue(few.getMessage().contains("need at least 2 images"), few.getMessage());
    }
}
