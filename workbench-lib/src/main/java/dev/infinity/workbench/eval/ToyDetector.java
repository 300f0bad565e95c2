package dev.infinity.workbench.eval;

import dev.infinity.workbench.data.toy.ToyBackground;
import dev.infinity.workbench.data.toy.ToyColor;
import dev.infinity.workbench.data.toy.ToyShape;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A deterministic object detector for the toy domain (the stand-in for GenEval's Mask2Former):
 * <ol>
 *   <li><b>segmentation by colour</b>: a pixel belongs to a {@link ToyColor} when that is its nearest palette entry
 *       (palette = object colours + backgrounds) and lies within {@link #COLOR_TOLERANCE} of it; antialiased edge
 *       pixels, blends with the background, fall outside every tolerance and are ignored;</li>
 *   <li><b>connected components</b> (4-neighbour) of each colour; components under {@link #MIN_AREA_FRACTION} of the
 *       image (and under 6 pixels) are noise;</li>
 *   <li><b>shape</b> from two scale-free measures: solidity (area / convex hull area, hull over pixel corners) separates
 *       the non-convex star (~0.47) and cross (~0.71) from convex shapes (~1); among convex ones the fill of the
 *       bounding box separates square (1), circle (pi/4) and triangle (1/2);</li>
 *   <li><b>box</b>: the component's pixel bounding box, from which relations follow by GenEval's rule
 *       ({@link dev.infinity.workbench.data.toy.ToyRelation#between}).</li>
 * </ol>
 * Detections come sorted by decreasing area, the detector's "confidence" order.
 */
public final class ToyDetector {
    public static final double COLOR_TOLERANCE = 40;
    public static final double MIN_AREA_FRACTION = 2e-4;
    static final double STAR_MAX_SOLIDITY = 0.6, CROSS_MAX_SOLIDITY = 0.86, SQUARE_MIN_FILL = 0.9, CIRCLE_MIN_FILL = 0.64;

    /** One detected object; {@code box} in pixel coordinates (x, y, width, height), y down. */
    public record Detection(ToyShape shape, ToyColor color, Rectangle2D box, int area, double fill, double solidity) {}

    public List<Detection> detect(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        int[] label = segment(rgb);
        int[] component = new int[w * h];
        Arrays.fill(component, -1);
        int minArea = (int) Math.max(6, MIN_AREA_FRACTION * w * h);
        List<Detection> out = new ArrayList<>();
        int[] stack = new int[w * h], members = new int[w * h];
        for (int start = 0; start < w * h; start++) {
            if (label[start] < 0 || component[start] >= 0) continue;
            // flood fill one component from start; members[0..n) are its pixels
            int top = 0, n = 0, colour = label[start];
            stack[top++] = start;
            component[start] = start;
            while (top > 0) {
                int p = stack[--top];
                members[n++] = p;
                int x = p % w, y = p / w;
                if (x > 0) top = push(p - 1, colour, label, component, start, stack, top);
                if (x < w - 1) top = push(p + 1, colour, label, component, start, stack, top);
                if (y > 0) top = push(p - w, colour, label, component, start, stack, top);
                if (y < h - 1) top = push(p + w, colour, label, component, start, stack, top);
            }
            if (n < minArea) continue;
            out.add(describe(members, n, w, ToyColor.values()[colour]));
        }
        out.sort(Comparator.comparingInt(Detection::area).reversed());
        return out;
    }

    private static int push(int q, int colour, int[] label, int[] component, int id, int[] stack, int top) {
        if (label[q] == colour && component[q] < 0) {
            component[q] = id;
            stack[top++] = q;
        }
        return top;
    }

    /** Per pixel: the ToyColor ordinal, or -1 for background / edge blends. */
    private static int[] segment(int[] rgb) {
        ToyColor[] colours = ToyColor.values();
        ToyBackground[] backgrounds = ToyBackground.values();
        int[] label = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            int r = (rgb[i] >> 16) & 0xff, g = (rgb[i] >> 8) & 0xff, b = rgb[i] & 0xff;
            int best = -1, bestD = Integer.MAX_VALUE; // squared RGB distances
            for (ToyColor c : colours) {
                int d = squaredDistance(c.r, c.g, c.b, r, g, b);
                if (d < bestD) {
                    bestD = d;
                    best = c.ordinal();
                }
            }
            for (ToyBackground bg : backgrounds) if (squaredDistance(bg.r, bg.g, bg.b, r, g, b) < bestD) best = -1;
            label[i] = bestD <= COLOR_TOLERANCE * COLOR_TOLERANCE ? best : -1;
        }
        return label;
    }

    private static Detection describe(int[] members, int count, int w, ToyColor colour) {
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
        for (int i = 0; i < count; i++) {
            int p = members[i], x = p % w, y = p / w;
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        int bw = maxX - minX + 1, bh = maxY - minY + 1, area = count;
        double fill = area / (double) (bw * bh);
        double solidity = area / hullArea(members, count, w, minY, bh);
        return new Detection(classify(fill, solidity), colour, new Rectangle2D.Double(minX, minY, bw, bh), area, fill, solidity);
    }

    private static int squaredDistance(int r0, int g0, int b0, int r, int g, int b) {
        return (r0 - r) * (r0 - r) + (g0 - g) * (g0 - g) + (b0 - b) * (b0 - b);
    }

    static ToyShape classify(double fill, double solidity) {
        if (solidity < STAR_MAX_SOLIDITY) return ToyShape.STAR;
        if (solidity < CROSS_MAX_SOLIDITY) return ToyShape.CROSS;
        if (fill >= SQUARE_MIN_FILL) return ToyShape.SQUARE;
        return fill >= CIRCLE_MIN_FILL ? ToyShape.CIRCLE : ToyShape.TRIANGLE;
    }

    /**
     * Area of the convex hull of the component's pixel squares: per row only the leftmost and rightmost pixel
     * matter, each contributing its outer corners; Andrew's monotone chain, then the shoelace formula.
     */
    private static double hullArea(int[] members, int count, int w, int minY, int rows) {
        int[] left = new int[rows], right = new int[rows];
        Arrays.fill(left, Integer.MAX_VALUE);
        Arrays.fill(right, -1);
        for (int i = 0; i < count; i++) {
            int p = members[i], r = p / w - minY, x = p % w;
            left[r] = Math.min(left[r], x);
            right[r] = Math.max(right[r], x);
        }
        List<long[]> pts = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            if (right[r] < 0) continue;
            int y = r + minY;
            pts.add(new long[] {left[r], y});
            pts.add(new long[] {left[r], y + 1});
            pts.add(new long[] {right[r] + 1, y});
            pts.add(new long[] {right[r] + 1, y + 1});
        }
        pts.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        long[][] hull = new long[2 * pts.size()][];
        int k = 0;
        for (long[] p : pts) {
            while (k >= 2 && cross(hull[k - 2], hull[k - 1], p) <= 0) k--;
            hull[k++] = p;
        }
        for (int i = pts.size() - 2, lower = k + 1; i >= 0; i--) {
            long[] p = pts.get(i);
            while (k >= lower && cross(hull[k - 2], hull[k - 1], p) <= 0) k--;
            hull[k++] = p;
        }
        double twice = 0;
        for (int i = 0; i < k - 1; i++) twice += hull[i][0] * hull[i + 1][1] - hull[i + 1][0] * hull[i][1];
        return Math.abs(twice) / 2;
    }

    private static long cross(long[] o, long[] a, long[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }
}
