package dev.infinity.workbench.data.toy;

import java.awt.Color;
import java.util.Locale;

/**
 * The object colours of the toy data set, with the exact RGB the renderer paints.
 *
 * <p>The values are far apart (pairwise RGB distance above 80, above 100 from every {@link ToyBackground}) so a detector can name the colour of a
 * region by {@link #nearest}. Antialiased edges blend with the background; use interior pixels.
 */
public enum ToyColor {
    RED(220, 30, 30),
    GREEN(40, 170, 60),
    BLUE(40, 90, 230),
    YELLOW(245, 215, 40),
    PURPLE(150, 60, 200),
    ORANGE(245, 130, 20),
    WHITE(240, 240, 240);

    public final int r, g, b;

    ToyColor(int r, int g, int b) {
        this.r = r;
        this.g = g;
        this.b = b;
    }

    /** The caption word, e.g. {@code "red"}. */
    public String word() { return name().toLowerCase(Locale.ROOT); }

    /** Packed 0xRRGGBB, as {@code BufferedImage.getRGB} returns it (without alpha). */
    public int rgb() { return (r << 16) | (g << 8) | b; }

    public Color awt() { return new Color(r, g, b); }

    /** Euclidean distance in RGB (0..441). */
    public double distance(int r, int g, int b) {
        int dr = this.r - r, dg = this.g - g, db = this.b - b;
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    /** The colour closest to (r, g, b) in RGB. */
    public static ToyColor nearest(int r, int g, int b) {
        ToyColor best = null;
        double bestD = Double.MAX_VALUE;
        for (ToyColor c : values()) {
            double d = c.distance(r, g, b);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    /** Parses a caption word ({@code "red"}); throws naming the word if unknown. */
    public static ToyColor parse(String word) {
        for (ToyColor c : values()) if (c.word().equals(word.trim().toLowerCase(Locale.ROOT))) return c;
        throw new IllegalArgumentException("unknown toy colour '" + word + "'");
    }
}
