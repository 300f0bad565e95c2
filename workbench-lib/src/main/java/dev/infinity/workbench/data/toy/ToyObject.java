package dev.infinity.workbench.data.toy;

import java.awt.Shape;
import java.awt.geom.Rectangle2D;

/**
 * One object of a scene, in resolution-free coordinates: centre (cx, cy) as fractions of the image width
 * and height, {@code size} as a fraction of the shorter image side.
 */
public record ToyObject(ToyShape shape, ToyColor color, double cx, double cy, double size) {
    public ToyObject {
        if (!(size > 0 && cx >= 0 && cx <= 1 && cy >= 0 && cy <= 1)) {
            throw new IllegalArgumentException("object outside the unit square: " + cx + ", " + cy + ", size " + size);
        }
    }

    /** The filled outline in pixels of a {@code height} x {@code width} image. */
    public Shape outline(int height, int width) {
        return shape.outline(cx * width, cy * height, size * Math.min(height, width));
    }

    /** Tight pixel bounding box of the outline (what a perfect detector would report). */
    public Rectangle2D box(int height, int width) {
        return outline(height, width).getBounds2D();
    }

    /** "red circle" (count 1) or "red circles". */
    public String noun(int count) {
        return color.word() + " " + shape.word(count);
    }
}
