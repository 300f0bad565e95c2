package dev.infinity.workbench.eval;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How well toy shapes survive a tokenizer round trip, judged by the {@link ToyDetector}: for each original and its
 * reconstruction, the detected (colour, shape) objects are compared. An image agrees when both lists are equal as
 * multisets; an object is kept when the reconstruction has an object of the same colour and shape (each matched once).
 */
public final class ShapeFidelity {
    /** Counts over a set of image pairs. */
    public record Result(int images, int imagesAgreeing, int objects, int objectsKept) {
        public double imageAgreement() { return images == 0 ? Double.NaN : (double) imagesAgreeing / images; }
        public double objectRecall() { return objects == 0 ? Double.NaN : (double) objectsKept / objects; }
    }

    private final ToyDetector detector = new ToyDetector();

    public Result compare(List<BufferedImage> originals, List<BufferedImage> reconstructions) {
        if (originals.size() != reconstructions.size()) {
            throw new IllegalArgumentException(originals.size() + " originals but " + reconstructions.size() + " reconstructions");
        }
        int agree = 0, objects = 0, kept = 0;
        for (int i = 0; i < originals.size(); i++) {
            List<String> want = labels(originals.get(i)), got = labels(reconstructions.get(i));
            if (want.equals(got)) agree++;
            List<String> left = new ArrayList<>(got);
            for (String o : want) {
                objects++;
                if (left.remove(o)) kept++;
            }
        }
        return new Result(originals.size(), agree, objects, kept);
    }

    private List<String> labels(BufferedImage image) {
        List<String> out = new ArrayList<>();
        for (ToyDetector.Detection d : detector.detect(image)) out.add(d.color() + " " + d.shape());
        Collections.sort(out);
        return out;
    }
}
