package dev.infinity.workbench.data.toy;

import java.awt.geom.Rectangle2D;
import java.util.EnumSet;
import java.util.Set;

/**
 * Spatial relations between two objects, with GenEval's rule for deciding them from bounding boxes.
 * "A relation B" reads "A is {@link #phrase} B", e.g. "a red circle to the left of a blue square".
 */
public enum ToyRelation {
    LEFT_OF("to the left of", "left of"),
    RIGHT_OF("to the right of", "right of"),
    ABOVE("above", "above"),
    BELOW("below", "below");

    /** GenEval's margin: centre offsets are shrunk by this fraction of the summed box sizes. */
    public static final double GENEVAL_THRESHOLD = 0.1;

    private final String phrase;
    private final String geneval;

    ToyRelation(String phrase, String geneval) {
        this.phrase = phrase;
        this.geneval = geneval;
    }

    /** The caption phrase, {@code "to the left of"}. */
    public String phrase() { return phrase; }

    /** The GenEval metadata string, {@code "left of"}. */
    public String geneval() { return geneval; }

    public ToyRelation inverse() {
        return switch (this) {
            case LEFT_OF -> RIGHT_OF;
            case RIGHT_OF -> LEFT_OF;
            case ABOVE -> BELOW;
            case BELOW -> ABOVE;
        };
    }

    public static ToyRelation parseGeneval(String s) {
        for (ToyRelation r : values()) if (r.geneval.equals(s)) return r;
        throw new IllegalArgumentException("unknown relation '" + s + "'");
    }

    /**
     * The relations of box {@code a} to box {@code b} (image coordinates, y down), as GenEval decides them:
     * the centre offset a - b, shrunk per axis by {@link #GENEVAL_THRESHOLD} x (width or height of a + b)
     * and clipped at zero, is divided by the unshrunk offset's length; a component beyond 0.5 in magnitude
     * gives left/right (x) or above/below (y). Empty when the boxes are (nearly) concentric.
     */
    public static Set<ToyRelation> between(Rectangle2D a, Rectangle2D b) {
        double dx = a.getCenterX() - b.getCenterX();
        double dy = a.getCenterY() - b.getCenterY();
        double rx = Math.max(Math.abs(dx) - GENEVAL_THRESHOLD * (a.getWidth() + b.getWidth()), 0) * Math.signum(dx);
        double ry = Math.max(Math.abs(dy) - GENEVAL_THRESHOLD * (a.getHeight() + b.getHeight()), 0) * Math.signum(dy);
        Set<ToyRelation> out = EnumSet.noneOf(ToyRelation.class);
        if (Math.abs(rx) < 1e-3 && Math.abs(ry) < 1e-3) return out;
        double norm = Math.hypot(dx, dy);
        if (rx / norm < -0.5) out.add(LEFT_OF);
        if (rx / norm > 0.5) out.add(RIGHT_OF);
        if (ry / norm < -0.5) out.add(ABOVE);
        if (ry / norm > 0.5) out.add(BELOW);
        return out;
    }
}
