package dev.infinity.workbench.eval;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTableTest {
    /** Keeps the top {@code bits} bits of every channel: a stand-in "tokenizer" whose error shrinks with bits. */
    static List<BufferedImage> quantize(List<BufferedImage> in, int bits) {
        List<BufferedImage> out = new ArrayList<>();
        int mask = (0xff << (8 - bits)) & 0xff;
        for (BufferedImage im : in) {
            BufferedImage q = new BufferedImage(im.getWidth(), im.getHeight(), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < im.getHeight(); y++) for (int x = 0; x < im.getWidth(); x++) {
                int p = im.getRGB(x, y);
                q.setRGB(x, y, (((p >> 16) & mask) << 16) | (((p >> 8) & mask) << 8) | (p & mask));
            }
            out.add(q);
        }
        return out;
    }

    @Test
    void tableHasOneRowPerTokenizerAndOrdersByFidelity(@TempDir Path dir) throws Exception {
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < 5; i++) images.add(InceptionV3FidTest.randomImage(24, 24, i));
        Table t = TokenizerTable.builder(images).batchSize(2)
                .add("identity", 24, b -> b)
                .add("q6", 18, b -> quantize(b, 6))
                .add("q3", 9, b -> quantize(b, 3))
                .build();
        assertEquals(3, t.rowCount());
        assertEquals(Math.pow(2, 18), t.doubleColumn("vocabulary").get(1));
        assertEquals(ImageMetrics.PSNR_CAP_DB, t.doubleColumn("psnr").get(0));
        assertEquals(1.0, t.doubleColumn("ssim").get(0), 1e-12);
        assertTrue(t.doubleColumn("psnr").get(1) > t.doubleColumn("psnr").get(2));
        assertTrue(t.doubleColumn("ssim").get(1) > t.doubleColumn("ssim").get(2));
        assertTrue(t.doubleColumn("rfid").isMissing(0), "no Inception network: rFID stays empty");

        Path csv = dir.resolve("out/tokenizers.csv");
        TokenizerTable.writeCsv(t, csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("tokenizer,d,vocabulary,psnr,ssim,rfid", lines.get(0));
        assertEquals(4, lines.size());

        try (NDManager m = NDManager.newBaseManager()) {
            Table noWeights = TokenizerTable.builder(images).inceptionIfPresent(m, dir.resolve(InceptionV3Fid.WEIGHTS_FILE)).add("identity", 24, b -> b).build();
            assertTrue(noWeights.doubleColumn("rfid").isMissing(0));
            Table withFid = TokenizerTable.builder(images.subList(0, 4)).inception(InceptionV3Fid.random(m, 16))
                    .add("identity", 24, b -> b).add("q3", 9, b -> quantize(b, 3)).build();
            assertEquals(0.0, withFid.doubleColumn("rfid").get(0), 1e-6);
            assertTrue(withFid.doubleColumn("rfid").get(1) > 0);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TokenizerTable.builder(images).add("broken", 4, b -> List.of()).build());
        assertTrue(e.getMessage().contains("broken"));
    }
}
