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
 *   <li><b>segmentation by colour</b>: each pixel is matched to the blend segments background → object colour
 *       (every {@link ToyBackground} × {@link ToyColor}); it belongs to the colour whose segment is nearest, within
 *       {@link #COLOR_TOLERANCE}, when its coverage along that segment is at least 1/2 (as rasterising at pixel
 *       centres would paint it), otherwise to the background;</li>
 *   <li><b>connected components</b> (4-neighbour) of each colour; components under {@link #MIN_AREA_FRACTION} of the
 *       image (and under 6 pixels) are noise;</li>
 *   <li><b>shape</b> from two scale-free measures ({@link #classify}): solidity (area / convex hull area, hull over pixel
 *       corners) separates the convex circle, square and triangle (~1) from the star (~0.47) and cross (~0.71); box fill
 *       then separates square (1), circle (pi/4) and triangle (1/2), and solidity + fill splits star from cross;</li>
 *   <li><b>box</b>: the component's pixel bounding box, from which relations follow by GenEval's rule
 *       ({@link dev.infinity.workbench.data.toy.ToyRelation#between}).</li>
 * </ol>
 * Detections come sorted by decreasing area, the detector's "confidence" order.
 */
public final class ToyDetector {
    public static final double COLOR_TOLERANCE = 40;
    public static final double MIN_AREA_FRACTION = 2e-4;
    static final double CONVEX_MIN_SOLIDITY = 0.83, SQUARE_MIN_FILL = 0.92, CIRCLE_MIN_FILL = 0.68, STAR_MAX_SOLIDITY_PLUS_FILL = 1.15;

    /** One detected object; {@code box} in pixel coordinates (x, y, width, height), y down. */
    public record Detection(ToyShape shape, ToyColor color, Rectangle2D box, int area, double fill, double solidity) {
        /** E.g. {@code "white circle (fill 0.917, solidity 0.963, 693 px)"}: the class and the measures it came from. */
        public String summary() {
            return String.format(java.util.Locale.ROOT, "%s %s (fill %.3f, solidity %.3f, %d px)", color.word(), shape.word(), fill, solidity, area);
        }
    }

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

    /**
     * Per pixel: the ToyColor ordinal, or -1 for background. Each pixel is matched to the nearest point of every
     * background-to-colour blend segment {@code B + t (P - B)}; it belongs to P when that residual is within
     * {@link #COLOR_TOLERANCE} and the coverage t is at least 1/2 — what rasterising at pixel centres would paint.
     */
    private static int[] segment(int[] rgb) {
        ToyColor[] colours = ToyColor.values();
        ToyBackground[] backgrounds = ToyBackground.values();
        int[] label = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            int r = (rgb[i] >> 16) & 0xff, g = (rgb[i] >> 8) & 0xff, b = rgb[i] & 0xff;
            int best = -1;
            double bestD = COLOR_TOLERANCE * COLOR_TOLERANCE;
            for (ToyBackground bg : backgrounds) {
                for (ToyColor c : colours) {
                    double dr = c.r - bg.r, dg = c.g - bg.g, db = c.b - bg.b;
                    double t = ((r - bg.r) * dr + (g - bg.g) * dg + (b - bg.b) * db) / (dr * dr + dg * dg + db * db);
                    t = Math.max(0, Math.min(1, t));
                    double er = bg.r + t * dr - r, eg = bg.g + t * dg - g, eb = bg.b + t * db - b;
                    double d = er * er + eg * eg + eb * eb;
                    if (d < bestD) {
                        bestD = d;
                        best = t >= 0.5 ? c.ordinal() : -1;
                    }
                }
            }
            label[i] = best;
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

    /**
     * Shape from solidity and box fill. Thresholds sit between the values measured on renders from 9 px to 100 px
     * (convex shapes: solidity >= 0.84; star: solidity 0.47-0.70, fill 0.36-0.56; cross: solidity 0.64-0.80, fill
     * 0.47-0.64; square fill >= 0.98, circle 0.73-0.86, triangle 0.50-0.63); star and cross are split on their sum.
     */
    static ToyShape classify(double fill, double solidity) {
        if (solidity >= CONVEX_MIN_SOLIDITY) return fill >= SQUARE_MIN_FILL ? ToyShape.SQUARE : fill >= CIRCLE_MIN_FILL ? ToyShape.CIRCLE : ToyShape.TRIANGLE;
        return solidity + fill < STAR_MAX_SOLIDITY_PLUS_FILL ? ToyShape.STAR : ToyShape.CROSS;
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
