package dev.infinity.workbench.data.toy;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.PathIterator;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

/**
 * The object shapes of the toy data set. {@link #outline} is exactly what the renderer fills: every shape
 * is centred on (cx, cy) and fits a square of side {@code size} pixels; the circle, square, cross and
 * triangle touch all four sides of that square, the star (pointing up, outer radius size / 2) only the top.
 */
public enum ToyShape {
    CIRCLE("circle", "circles"),
    SQUARE("square", "squares"),
    TRIANGLE("triangle", "triangles"),
    STAR("star", "stars"),
    CROSS("cross", "crosses");

    private final String word;
    private final String plural;

    ToyShape(String word, String plural) {
        this.word = word;
        this.plural = plural;
    }

    /** The caption noun, {@code "circle"}. */
    public String word() { return word; }

    /** The plural noun, {@code "crosses"}. */
    public String plural() { return plural; }

    /** The noun for {@code count} objects. */
    public String word(int count) { return count == 1 ? word : plural; }

    /** The filled outline, in pixels, centred on (cx, cy), fitting a {@code size} x {@code size} square. */
    public Shape outline(double cx, double cy, double size) {
        double h = size / 2;
        return switch (this) {
            case CIRCLE -> new Ellipse2D.Double(cx - h, cy - h, size, size);
            case SQUARE -> new Rectangle2D.Double(cx - h, cy - h, size, size);
            case TRIANGLE -> polygon(new double[] {cx, cx + h, cx - h}, new double[] {cy - h, cy + h, cy + h});
            case STAR -> star(cx, cy, h);
            case CROSS -> cross(cx, cy, h);
        };
    }

    /**
     * Fraction of the outline's bounding box that the shape covers (circle pi/4, square 1, triangle 1/2,
     * star ~0.33, cross 5/9): a scale-free cue for a detector.
     */
    public double boxFill() {
        Shape s = outline(0, 0, 1);
        Rectangle2D box = s.getBounds2D();
        return area(s) / (box.getWidth() * box.getHeight());
    }

    /** The shape {@code n} places after this one in declaration order, cyclically. */
    public ToyShape shifted(int n) {
        ToyShape[] all = values();
        return all[Math.floorMod(ordinal() + n, all.length)];
    }

    /**
     * {@code caption} with every shape noun replaced by the noun of the shape {@code n} places on, in the same number
     * ({@code "two red stars"}, 1 → {@code "two red crosses"}): a prompt that differs from the true one only in its shapes.
     */
    public static String shiftShapeWords(String caption, int n) {
        StringBuilder out = new StringBuilder();
        for (String w : caption.split(" ", -1)) {
            if (!out.isEmpty()) out.append(' ');
            ToyShape s = null;
            for (ToyShape t : values()) if (t.word.equals(w) || t.plural.equals(w)) s = t;
            out.append(s == null ? w : s.shifted(n).word(s.plural.equals(w) ? 2 : 1));
        }
        return out.toString();
    }

    /** Parses a singular or plural caption noun. */
    public static ToyShape parse(String word) {
        String w = word.trim().toLowerCase(Locale.ROOT);
        for (ToyShape s : values()) if (s.word.equals(w) || s.plural.equals(w)) return s;
        throw new IllegalArgumentException("unknown toy shape '" + word + "'");
    }

    /** Five-pointed star pointing up, outer radius r, inner radius r * 0.382 (regular pentagram). */
    private static Shape star(double cx, double cy, double r) {
        double inner = r * Math.sin(Math.toRadians(18)) / Math.sin(Math.toRadians(126));
        double[] xs = new double[10], ys = new double[10];
        for (int i = 0; i < 10; i++) {
            double rad = (i % 2 == 0) ? r : inner;
            double a = Math.toRadians(-90 + 36 * i);
            xs[i] = cx + rad * Math.cos(a);
            ys[i] = cy + rad * Math.sin(a);
        }
        return polygon(xs, ys);
    }

    /** Plus sign whose arms are a third of the size wide. */
    private static Shape cross(double cx, double cy, double h) {
        double t = h / 3;
        double[] xs = {cx - t, cx + t, cx + t, cx + h, cx + h, cx + t, cx + t, cx - t, cx - t, cx - h, cx - h, cx - t};
        double[] ys = {cy - h, cy - h, cy - t, cy - t, cy + t, cy + t, cy + h, cy + h, cy + t, cy + t, cy - t, cy - t};
        return polygon(xs, ys);
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) p.lineTo(xs[i], ys[i]);
        p.closePath();
        return p;
    }

    /** Area of a simple closed outline by the shoelace formula over its flattened path. */
    private static double area(Shape s) {
        double sum = 0, x0 = 0, y0 = 0, px = 0, py = 0;
        double[] c = new double[6];
        for (PathIterator it = s.getPathIterator(null, 1e-4); !it.isDone(); it.next()) {
            switch (it.currentSegment(c)) {
                case PathIterator.SEG_MOVETO -> { x0 = px = c[0]; y0 = py = c[1]; }
                case PathIterator.SEG_LINETO -> { sum += px * c[1] - c[0] * py; px = c[0]; py = c[1]; }
                case PathIterator.SEG_CLOSE -> { sum += px * y0 - x0 * py; px = x0; py = y0; }
                default -> throw new IllegalStateException("flattened path has a curve");
            }
        }
        return Math.abs(sum) / 2;
    }
}
