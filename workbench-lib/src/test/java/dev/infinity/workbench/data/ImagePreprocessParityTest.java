package dev.infinity.workbench.data;

import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.Npy;
import dev.infinity.workbench.parity.TestPaths;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bit-exact parity of the image preprocessing with Pillow (fixtures: src/test/resources/data/pil_lanczos/README.md). */
class ImagePreprocessParityTest {
    private static final Path FIXTURES = Path.of("src/test/resources/data/pil_lanczos");

    /** SHA-256 of official transform(img, 336, 224) per official toy image, computed with Pillow 11.3.0. */
    private static final Map<String, String> OFFICIAL_336x224 = Map.of(
            "1220076234599834949", "d008d0d526353f652927633bac56044b32856783fc9fafcaa44708d2e8c2841c",
            "1713835988126009050", "96fff614b358f01897b0c778c696c97dbf107790ff36f4bab0629e3c6a278fe6",
            "2509925642183738470", "4ca94262d795fccdd4aec6cf08927c233212c9cb211ef24f8a8cb6622679d58d",
            "2732145247443895234", "0736406b144a6d306468d63c95b40cc4cfc761b13dc0d675a108c1b522576baf",
            "3861311014320456446", "aa1e2f6efbad94e2e68f08af06f3d844278a7a66adc917f131c0afcb6a512c85",
            "4265467520443567280", "6f04dd8d5c59f2853ffec4bf5ab9c93d44814b5480d74d8388ca0d2abc78c352",
            "5134521536907147208", "4e8aafe30d1d05b97edb8f7b9df66bfb29dcc1f8b86601516e59e8faf6d41281",
            "5179780969343495162", "da0263607003b6cacdac764f7b1eaec7e44698c6720a7c2c35625d0f8fac806d",
            "5846166776365405949", "bc78b850ed13595e42fb99e3786173e75287170134abddb0cda3368a696a938a",
            "6128985124434332020", "6cff80f649bd0c13fb278b6f9ecf4e3af05f4e883d05b2ed1daff08c35935778");

    @Test
    void lanczosMatchesPillowForDownUpAndMixedScaling() throws Exception {
        byte[] rgb = ImageLoader.rgb(ImageLoader.read(FIXTURES.resolve("noise.png")));
        for (int[] hw : new int[][] {{20, 30}, {47, 30}, {100, 61}, {13, 140}, {47, 61}}) {
            HostTensor want = Npy.read(FIXTURES.resolve("noise_" + hw[0] + "x" + hw[1] + ".npy"));
            byte[] w = new byte[(int) want.numel()];
            want.data().get(w);
            assertArrayEquals(w, LanczosResampler.resize(rgb, 47, 61, hw[0], hw[1]), "resize to " + hw[0] + "x" + hw[1]);
        }
    }

    @Test
    void officialTransformOfTheOfficialToyImagesIsBitExact() throws Exception {
        Path images = TestPaths.shared().resolve("infinity_toy_data_official/images");
        for (Map.Entry<String, String> e : OFFICIAL_336x224.entrySet()) {
            BufferedImage img = ImageLoader.read(images.resolve(e.getKey() + ".jpg"));
            BufferedImage out = ImagePreprocess.resizeCrop(img, 336, 224);
            assertEquals(224, out.getWidth());
            assertEquals(336, out.getHeight());
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(ImageLoader.rgb(out));
            assertEquals(e.getValue(), HexFormat.of().formatHex(hash), e.getKey());
        }
    }

    @Test
    void tensorIsChannelFirstInMinusOneToOne() {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF8000);
        img.setRGB(3, 1, 0x0000FF);
        float[] t = ImagePreprocess.toTensor(img, 2, 4); // same size: no resampling
        assertEquals(3 * 2 * 4, t.length);
        assertEquals(1f, t[0]);                       // R of (0,0)
        assertEquals(128 / 255f * 2 - 1, t[8], 1e-7); // G of (0,0)
        assertEquals(-1f, t[16]);                     // B of (0,0)
        assertEquals(1f, t[16 + 7]);                  // B of (1,3)
    }

    @Test
    void coverResizeKeepsAspectAndCropsTheCentre() {
        // a 40x10 image with a white centre column band; target 10x10: scaled to 10 high, 40 wide, centre cut out
        BufferedImage img = new BufferedImage(40, 10, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 10; y++) for (int x = 15; x < 25; x++) img.setRGB(x, y, 0xFFFFFF);
        BufferedImage out = ImagePreprocess.resizeCrop(img, 10, 10);
        assertEquals(0xFFFFFF, out.getRGB(5, 5) & 0xFFFFFF);
        assertEquals(0xFFFFFF, out.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void greyImagesKeepTheirLevels() {
        BufferedImage g = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(1, 0, 0, 100);
        byte[] rgb = ImageLoader.rgb(g);
        assertEquals(100, rgb[3] & 0xff);
        assertEquals(100, rgb[5] & 0xff);
    }
}
