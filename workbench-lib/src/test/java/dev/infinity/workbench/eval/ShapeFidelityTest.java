package dev.infinity.workbench.eval;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeFidelityTest {
    static final Path IMAGES = Files.isDirectory(Path.of("../data/infinity_toy_data/images")) ? Path.of("../data/infinity_toy_data/images")
            : Path.of("data/infinity_toy_data/images");

    /** A perfect round trip keeps every object; an empty reconstruction keeps none; the lists must pair up. */
    @Test
    void perfectBlankAndRecolouredReconstructions() throws Exception {
        List<BufferedImage> originals = new ArrayList<>(), blank = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            BufferedImage img = ImageIO.read(IMAGES.resolve(String.format("%06d.png", i)).toFile());
            originals.add(img);
            blank.add(new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB));
        }
        ShapeFidelity f = new ShapeFidelity();
        ShapeFidelity.Result same = f.compare(originals, originals);
        assertTrue(same.objects() >= 5, "every toy image has an object: " + same);
        assertEquals(1.0, same.imageAgreement());
        assertEquals(1.0, same.objectRecall());
        ShapeFidelity.Result none = f.compare(originals, blank);
        assertEquals(0, none.imagesAgreeing());
        assertEquals(0, none.objectsKept());
        assertEquals(same.objects(), none.objects());
        assertThrows(IllegalArgumentException.class, () -> f.compare(originals, blank.subList(0, 2)));
    }
}
