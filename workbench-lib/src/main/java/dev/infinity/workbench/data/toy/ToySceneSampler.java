package dev.infinity.workbench.data.toy;

import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Draws random toy scenes for a given image size: objects inside the image, not touching each other, and
 * for {@link ToyScene.Kind#POSITION} placed so that GenEval's rule finds exactly the captioned relation.
 * Pairs of coloured shapes {@link #isHeldOut held out} for evaluation never appear in a drawn scene.
 */
public final class ToySceneSampler {
    private static final double MARGIN = 0.03;   // of each image side
    private static final double GAP_PX = 6;       // minimum pixel gap between object boxes
    private static final int MAX_TRIES = 10_000;
    /** Centred single objects: size range (of the shorter side) and the largest offset of the centre from the middle. */
    static final double CENTRED_MIN_SIZE = 0.3, CENTRED_MAX_SIZE = 0.5, CENTRED_JITTER = 0.05;

    /**
     * What the scenes may look like. {@code backgrounds}: the backgrounds drawn from, uniformly. {@code centredSingles}:
     * a single object is large ({@value #CENTRED_MIN_SIZE}–{@value #CENTRED_MAX_SIZE} of the shorter side) and sits in
     * the middle (±{@value #CENTRED_JITTER} of each side), as in photos of one subject, instead of anywhere.
     *
     * <p>Both exist for generator training sets: the short captions (and the evaluation prompts) name neither the
     * background nor where a single object is, and a bitwise generator samples every bit, and every token of a scale,
     * independently — a choice the prompt leaves open comes out as a blend of the choices (see the README).
     */
    public record Options(List<ToyBackground> backgrounds, boolean centredSingles) {
        /** Every background, single objects anywhere: the committed data set. */
        public static final Options DEFAULT = new Options(List.of(ToyBackground.values()), false);

        public Options {
            if (backgrounds.isEmpty()) throw new IllegalArgumentException("at least one background is needed");
            backgrounds = List.copyOf(backgrounds);
        }
    }

    private final Random rng;
    private final Options options;

    public ToySceneSampler(Random rng) {
        this(rng, Options.DEFAULT);
    }

    public ToySceneSampler(Random rng, Options options) {
        this.rng = rng;
        this.options = options;
    }

    /**
     * Whether two coloured shapes are reserved for held-out two-object prompts (about one pair in five,
     * fixed by the vocabulary, independent of any seed). Order does not matter.
     */
    public static boolean isHeldOut(ToyColor c1, ToyShape s1, ToyColor c2, ToyShape s2) {
        int a = c1.ordinal() * ToyShape.values().length + s1.ordinal();
        int b = c2.ordinal() * ToyShape.values().length + s2.ordinal();
        if (a == b) return false;
        long h = Math.min(a, b) * 1_000_003L + Math.max(a, b);
        h *= 0x9E3779B97F4A7C15L;
        return Math.floorMod(h >>> 40, 5) == 0;
    }

    /** A scene of the given kind for a {@code height} x {@code width} image. */
    public ToyScene sample(ToyScene.Kind kind, int height, int width) {
        ToyBackground bg = options.backgrounds().get(rng.nextInt(options.backgrounds().size()));
        return switch (kind) {
            case SINGLE -> {
                ToyColor c = pick(ToyColor.values());
                ToyShape s = pick(ToyShape.values());
                yield new ToyScene(kind, bg, options.centredSingles() ? List.of(centred(c, s)) : place(List.of(c), List.of(s), 0.2, 0.42, height, width, null), null);
            }
            case COUNT -> {
                int n = 2 + rng.nextInt(2);
                ToyColor c = pick(ToyColor.values());
                ToyShape s = pick(ToyShape.values());
                yield new ToyScene(kind, bg, place(repeat(c, n), repeat(s, n), 0.14, 0.26, height, width, null), null);
            }
            case PAIR, POSITION -> {
                ToyColor c1, c2;
                ToyShape s1, s2;
                do {
                    c1 = pick(ToyColor.values());
                    c2 = pick(ToyColor.values());
                    s1 = pick(ToyShape.values());
                    s2 = pick(ToyShape.values());
                } while ((c1 == c2 && s1 == s2) || isHeldOut(c1, s1, c2, s2));
                ToyRelation rel = kind == ToyScene.Kind.POSITION ? pick(ToyRelation.values()) : null;
                yield new ToyScene(kind, bg, place(List.of(c1, c2), List.of(s1, s2), 0.16, 0.32, height, width, rel), rel);
            }
        };
    }

    /**
     * Random sizes and centres, retried until the boxes keep apart (and, with a relation, until GenEval's rule
     * gives exactly that relation of object 0 to object 1).
     */
    private List<ToyObject> place(List<ToyColor> colors, List<ToyShape> shapes, double minSize, double maxSize,
                                  int height, int width, ToyRelation relation) {
        double shorter = Math.min(height, width);
        for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
            // shrink the size range a little after many failures so crowded scenes always fit
            double shrink = attempt < MAX_TRIES / 2 ? 1.0 : 0.7;
            List<ToyObject> objs = new ArrayList<>();
            List<Rectangle2D> boxes = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < colors.size() && ok; i++) {
                double size = (minSize + rng.nextDouble() * (maxSize - minSize)) * shrink;
                double hx = size * shorter / 2 / width, hy = size * shorter / 2 / height;
                double cx = MARGIN + hx + rng.nextDouble() * Math.max(0, 1 - 2 * (MARGIN + hx));
                double cy = MARGIN + hy + rng.nextDouble() * Math.max(0, 1 - 2 * (MARGIN + hy));
                ToyObject o = new ToyObject(shapes.get(i), colors.get(i), round(cx), round(cy), round(size));
                Rectangle2D box = o.box(height, width);
                for (Rectangle2D other : boxes) {
                    Rectangle2D grown = new Rectangle2D.Double(other.getX() - GAP_PX, other.getY() - GAP_PX,
                            other.getWidth() + 2 * GAP_PX, other.getHeight() + 2 * GAP_PX);
                    if (grown.intersects(box)) ok = false;
                }
                objs.add(o);
                boxes.add(box);
            }
            if (ok && relation != null && !ToyRelation.between(boxes.get(0), boxes.get(1)).equals(Set.of(relation))) ok = false;
            if (ok) return objs;
        }
        throw new IllegalStateException("cannot place " + colors.size() + " objects in " + width + "x" + height);
    }

    /** One large object in the middle of the image (see {@link Options}). */
    private ToyObject centred(ToyColor color, ToyShape shape) {
        double size = CENTRED_MIN_SIZE + rng.nextDouble() * (CENTRED_MAX_SIZE - CENTRED_MIN_SIZE);
        double cx = 0.5 + (2 * rng.nextDouble() - 1) * CENTRED_JITTER, cy = 0.5 + (2 * rng.nextDouble() - 1) * CENTRED_JITTER;
        return new ToyObject(shape, color, round(cx), round(cy), round(size));
    }

    /** Four decimals, so the scene written to JSON is exactly the scene rendered. */
    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    private <T> T pick(T[] values) {
        return values[rng.nextInt(values.length)];
    }

    private static <T> List<T> repeat(T v, int n) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(v);
        return out;
    }
}
