package dev.infinity.workbench.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The scales of the multi-scale tokenizer, coarse to fine: an immutable list of (h, w) token grids.
 * The paper's scale schedule; the official code stores (t, h, w) triples with t = 1 for images.
 */
public final class ScaleSchedule implements Iterable<ScaleSchedule.Scale> {
    /** One token grid of h x w positions. */
    public record Scale(int h, int w) {
        public Scale {
            if (h <= 0 || w <= 0) throw new IllegalArgumentException("scale must be positive, got " + h + "x" + w);
        }

        public int tokens() { return h * w; }

        @Override
        public String toString() { return h + "x" + w; }
    }

    private final List<Scale> scales;

    private ScaleSchedule(List<Scale> scales) {
        if (scales.isEmpty()) throw new IllegalArgumentException("a scale schedule needs at least one scale");
        this.scales = Collections.unmodifiableList(new ArrayList<>(scales));
    }

    public static ScaleSchedule of(List<Scale> scales) { return new ScaleSchedule(scales); }

    /** From (h, w) pairs: {@code of(new int[][] {{1, 1}, {2, 2}, {4, 4}})}. */
    public static ScaleSchedule of(int[][] hw) {
        List<Scale> out = new ArrayList<>();
        for (int[] p : hw) {
            if (p.length != 2) throw new IllegalArgumentException("expected (h, w) pairs, got " + java.util.Arrays.toString(p));
            out.add(new Scale(p[0], p[1]));
        }
        return new ScaleSchedule(out);
    }

    /** From official (t, h, w) triples; images need t = 1 (the inference tables replace t by 1). */
    public static ScaleSchedule fromTriples(int[][] thw) {
        List<Scale> out = new ArrayList<>();
        for (int[] p : thw) {
            if (p.length != 3) throw new IllegalArgumentException("expected (t, h, w) triples, got " + java.util.Arrays.toString(p));
            if (p[0] != 1) throw new IllegalArgumentException("only t = 1 (images) is supported, got " + java.util.Arrays.toString(p));
            out.add(new Scale(p[1], p[2]));
        }
        return new ScaleSchedule(out);
    }

    /** Square scales: {@code square(1, 2, 4, 6, 8, 12, 16)}. */
    public static ScaleSchedule square(int... sides) {
        List<Scale> out = new ArrayList<>();
        for (int s : sides) out.add(new Scale(s, s));
        return new ScaleSchedule(out);
    }

    public int size() { return scales.size(); }
    public Scale get(int i) { return scales.get(i); }
    public Scale first() { return scales.get(0); }
    /** The finest scale: the latent size the schedule ends at. */
    public Scale last() { return scales.get(scales.size() - 1); }
    public List<Scale> scales() { return scales; }

    /** Total number of tokens L = sum of h*w. */
    public int tokens() { return tokensBefore(scales.size()); }

    /** Number of tokens of scales 0..i-1: where scale i starts in the flattened sequence. */
    public int tokensBefore(int i) {
        int n = 0;
        for (int k = 0; k < i; k++) n += scales.get(k).tokens();
        return n;
    }

    /** The first n scales (e.g. to decode a partial generation). */
    public ScaleSchedule prefix(int n) { return new ScaleSchedule(scales.subList(0, n)); }

    /** The (h, w) pairs as an array, for serialisation. */
    public int[][] toArray() {
        int[][] out = new int[scales.size()][];
        for (int i = 0; i < out.length; i++) out[i] = new int[] {scales.get(i).h(), scales.get(i).w()};
        return out;
    }

    @Override
    public Iterator<Scale> iterator() { return scales.iterator(); }

    @Override
    public boolean equals(Object o) { return o instanceof ScaleSchedule s && s.scales.equals(scales); }

    @Override
    public int hashCode() { return scales.hashCode(); }

    @Override
    public String toString() { return scales.toString(); }
}
