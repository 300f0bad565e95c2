package dev.infinity.workbench.data.toy;

import java.awt.Color;
import java.util.Arrays;
import java.util.Locale;

/** The plain, dark, neutral backgrounds of the toy scenes (far from every {@link ToyColor}). */
public enum ToyBackground {
    BLACK("black", 12, 12, 14),
    DARK_GRAY("dark gray", 48, 48, 52),
    SLATE("slate", 36, 44, 58);

    public final String word;
    public final int r, g, b;

    ToyBackground(String word, int r, int g, int b) {
        this.word = word;
        this.r = r;
        this.g = g;
        this.b = b;
    }

    public int rgb() { return (r << 16) | (g << 8) | b; }

    public Color awt() { return new Color(r, g, b); }

    /** Parses a caption word ({@code "dark gray"}); throws naming the word and the choices if unknown. */
    public static ToyBackground parse(String word) {
        for (ToyBackground bg : values()) if (bg.word.equals(word.trim().toLowerCase(Locale.ROOT))) return bg;
        throw new IllegalArgumentException("unknown toy background '" + word + "' (" + String.join(", ", Arrays.stream(values()).map(v -> v.word).toList()) + ")");
    }

    /** Comma-separated caption words ({@code "black,slate"}) → backgrounds. */
    public static ToyBackground[] parseList(String words) {
        return Arrays.stream(words.split(",")).map(ToyBackground::parse).toArray(ToyBackground[]::new);
    }
}
