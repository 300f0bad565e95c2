package dev.infinity.workbench.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Infinity's dynamic-resolution scale schedules, derived the way the official modules derive them.
 *
 * <p>The source data is one list of 13 latent grids (h, w) per aspect ratio h/w >= 1 ({@link #RATIO_TO_HWS}).
 * <b>Transformer tables</b> ({@code infinity/utils/dynamic_resolution.py}): each ratio r != 1 also yields the
 * transposed grids under the key {@code int(1/r*1000)/1000}, giving 15 templates; for each template the pixel
 * budgets 0.06M / 0.25M / 0.60M / 1M take the first 7 / 10 / 12 / 13 grids; pixel size = 16 * last grid; stored
 * t = 1, 2, 3, 4, 5, 6, 7, 9, 11, 13, ... (inference replaces t by 1). An image picks the template nearest to its
 * h/w (first on ties). <b>VAE tables</b> ({@code bsq_vae/dynamic_resolution.py}): lengths 7 / 10 / 13 keyed by
 * pixel width, and the latent (h, w) -> schedule map used by {@link #latentScheduleThw} in 'dynamic' mode.
 */
public final class DynamicResolution {
    public static final int VAE_STRIDE = 16;
    /** The pixel budgets of the transformer tables, in order. */
    public static final List<String> PIXEL_BUDGETS = List.of("0.06M", "0.25M", "0.60M", "1M");
    private static final int[] BUDGET_LENGTHS = {7, 10, 12, 13};
    private static final int[] VAE_LENGTHS = {7, 10, 13};
    /** The official per-scale t values of the transformer tables. */
    public static final List<Integer> PREDEFINED_T = List.of(1, 2, 3, 4, 5, 6, 7, 9, 11, 13, 15, 17, 21);

    /** The official source grids, for ratios h/w >= 1 (insertion order matters: it orders the templates). */
    static final Map<Double, int[][]> RATIO_TO_HWS = new LinkedHashMap<>();
    static {
        RATIO_TO_HWS.put(1.000, new int[][] {{1, 1}, {2, 2}, {4, 4}, {6, 6}, {8, 8}, {12, 12}, {16, 16}, {20, 20}, {24, 24}, {32, 32}, {40, 40}, {48, 48}, {64, 64}});
        RATIO_TO_HWS.put(1.250, new int[][] {{1, 1}, {2, 2}, {3, 3}, {5, 4}, {10, 8}, {15, 12}, {20, 16}, {25, 20}, {30, 24}, {35, 28}, {45, 36}, {55, 44}, {70, 56}});
        RATIO_TO_HWS.put(1.333, new int[][] {{1, 1}, {2, 2}, {4, 3}, {8, 6}, {12, 9}, {16, 12}, {20, 15}, {24, 18}, {28, 21}, {36, 27}, {48, 36}, {60, 45}, {72, 54}});
        RATIO_TO_HWS.put(1.500, new int[][] {{1, 1}, {2, 2}, {3, 2}, {6, 4}, {9, 6}, {15, 10}, {21, 14}, {27, 18}, {33, 22}, {39, 26}, {48, 32}, {63, 42}, {78, 52}});
        RATIO_TO_HWS.put(1.750, new int[][] {{1, 1}, {2, 2}, {3, 3}, {7, 4}, {11, 6}, {14, 8}, {21, 12}, {28, 16}, {35, 20}, {42, 24}, {56, 32}, {70, 40}, {84, 48}});
        RATIO_TO_HWS.put(2.000, new int[][] {{1, 1}, {2, 2}, {4, 2}, {6, 3}, {10, 5}, {16, 8}, {22, 11}, {30, 15}, {38, 19}, {46, 23}, {60, 30}, {74, 37}, {90, 45}});
        RATIO_TO_HWS.put(2.500, new int[][] {{1, 1}, {2, 2}, {5, 2}, {10, 4}, {15, 6}, {20, 8}, {25, 10}, {30, 12}, {40, 16}, {50, 20}, {65, 26}, {80, 32}, {100, 40}});
        RATIO_TO_HWS.put(3.000, new int[][] {{1, 1}, {2, 2}, {6, 2}, {9, 3}, {15, 5}, {21, 7}, {27, 9}, {36, 12}, {45, 15}, {54, 18}, {72, 24}, {90, 30}, {111, 37}});
    }

    /** One transformer table entry: template h/w, pixel budget, pixel size and scales (with the stored t values). */
    public record Entry(double hDivW, String pixelBudget, int pixelH, int pixelW, ScaleSchedule scales, List<Integer> t) {
        /** Tokens of the inference schedule (t = 1). */
        public int seqLen() { return scales.tokens(); }
    }

    /** One VAE table entry, keyed in the official module by (h/w, pixel width). */
    public record VaeEntry(double hDivW, int pixelWKey, int pixelH, int pixelW, ScaleSchedule scales) {}

    private static final Map<Double, List<ScaleSchedule.Scale>> FULL = fullTable(false);
    private static final List<Double> TEMPLATES = List.copyOf(FULL.keySet());
    private static final List<Entry> ENTRIES = buildEntries();

    private DynamicResolution() {}

    /** Every ratio and its transposed twin {@code int(1/r*1000)/1000}; the VAE module also re-adds 1.0 (same grids). */
    private static Map<Double, List<ScaleSchedule.Scale>> fullTable(boolean vaeModule) {
        Map<Double, List<ScaleSchedule.Scale>> full = new LinkedHashMap<>();
        for (Map.Entry<Double, int[][]> e : RATIO_TO_HWS.entrySet()) {
            double r = e.getKey();
            List<ScaleSchedule.Scale> hws = new ArrayList<>(), transposed = new ArrayList<>();
            for (int[] hw : e.getValue()) {
                hws.add(new ScaleSchedule.Scale(hw[0], hw[1]));
                transposed.add(new ScaleSchedule.Scale(hw[1], hw[0]));
            }
            full.put(r, hws);
            if (vaeModule || r != 1.0) full.put((int) (1 / r * 1000) / 1000.0, transposed);
        }
        return full;
    }

    private static List<Entry> buildEntries() {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<Double, List<ScaleSchedule.Scale>> e : FULL.entrySet()) {
            for (int b = 0; b < BUDGET_LENGTHS.length; b++) {
                int len = BUDGET_LENGTHS[b];
                ScaleSchedule.Scale lastScale = e.getValue().get(len - 1);
                if (Math.abs((double) lastScale.h() / lastScale.w() - e.getKey()) >= 0.01) {
                    throw new IllegalStateException("table grid " + lastScale + " does not have ratio " + e.getKey());
                }
                out.add(new Entry(e.getKey(), PIXEL_BUDGETS.get(b), lastScale.h() * VAE_STRIDE, lastScale.w() * VAE_STRIDE,
                        ScaleSchedule.of(e.getValue().subList(0, len)), PREDEFINED_T.subList(0, len)));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The 15 aspect-ratio templates h/w, in the official order. */
    public static List<Double> templates() { return TEMPLATES; }

    /** Every (template, budget) entry: 15 x 4. */
    public static List<Entry> entries() { return ENTRIES; }

    /** The template nearest to h/w (the first one on ties). */
    public static double nearestTemplate(double hDivW) {
        double best = TEMPLATES.get(0);
        for (double t : TEMPLATES) if (Math.abs(hDivW - t) < Math.abs(hDivW - best)) best = t;
        return best;
    }

    /** The entry of an exact template and budget. */
    public static Entry entry(double template, String pixelBudget) {
        for (Entry e : ENTRIES) if (e.hDivW() == template && e.pixelBudget().equals(pixelBudget)) return e;
        throw new IllegalArgumentException("no dynamic-resolution entry for h/w template " + template + " and budget '" + pixelBudget
                + "' (templates " + TEMPLATES + ", budgets " + PIXEL_BUDGETS + ")");
    }

    /** The entry for an image of aspect h/w (nearest template) and a pixel budget. */
    public static Entry forAspect(double hDivW, String pixelBudget) { return entry(nearestTemplate(hDivW), pixelBudget); }

    /** The inference scale schedule (t = 1) for an image of aspect h/w and a pixel budget. */
    public static ScaleSchedule schedule(double hDivW, String pixelBudget) { return forAspect(hDivW, pixelBudget).scales(); }

    /** The VAE module's own table (lengths 7, 10, 13), in the official order. */
    public static List<VaeEntry> vaeEntries() {
        List<VaeEntry> out = new ArrayList<>();
        for (Map.Entry<Double, List<ScaleSchedule.Scale>> e : fullTable(true).entrySet()) {
            for (int len : VAE_LENGTHS) {
                ScaleSchedule.Scale last = e.getValue().get(len - 1);
                out.add(new VaeEntry(e.getKey(), last.w() * VAE_STRIDE, last.h() * VAE_STRIDE, last.w() * VAE_STRIDE,
                        ScaleSchedule.of(e.getValue().subList(0, len))));
            }
        }
        return out;
    }

    /** The VAE module's {@code predefined_HW_Scales_dynamic}: latent (h, w) -> schedule ending there. */
    public static Map<ScaleSchedule.Scale, ScaleSchedule> vaeDynamicSchedules() {
        Map<ScaleSchedule.Scale, ScaleSchedule> out = new LinkedHashMap<>();
        for (VaeEntry e : vaeEntries()) out.put(e.scales().last(), e.scales());
        return out;
    }

    /**
     * The quantizer's default schedule for a latent (t, h, w) when none is passed (official
     * {@code get_latent2scale_schedule}), as (t, h, w) triples. Modes: 'original' (the quantizer's own table for
     * 16x16, 32x32, 64x64 and 36x64), 'dynamic' (original plus the VAE table above), 'dense' (every side 1..16, then
     * steps of 4 up to 32, then steps of 8 up to 64), 'sameN' (N times the full latent, squares only).
     */
    public static int[][] latentScheduleThw(int t, int h, int w, String mode) {
        Map<ScaleSchedule.Scale, ScaleSchedule> table = new LinkedHashMap<>();
        table.put(new ScaleSchedule.Scale(32, 32), ScaleSchedule.square(1, 2, 3, 4, 6, 9, 13, 18, 24, 32));
        table.put(new ScaleSchedule.Scale(16, 16), ScaleSchedule.square(1, 2, 3, 4, 5, 6, 8, 10, 13, 16));
        table.put(new ScaleSchedule.Scale(64, 64), ScaleSchedule.square(1, 2, 3, 4, 5, 7, 9, 12, 16, 21, 27, 36, 48, 64));
        table.put(new ScaleSchedule.Scale(36, 64), ScaleSchedule.of(new int[][] {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {6, 6}, {9, 12},
                {13, 16}, {18, 24}, {24, 32}, {32, 48}, {36, 64}}));
        if (mode.equals("dynamic")) {
            table.putAll(vaeDynamicSchedules());
        } else if (mode.equals("dense")) {
            int[] dense = new int[32];
            for (int i = 0; i < 16; i++) dense[i] = i + 1;
            for (int i = 0; i < 4; i++) dense[16 + i] = 20 + 4 * i;
            for (int i = 0; i < 4; i++) dense[20 + i] = 40 + 8 * i;
            table.put(new ScaleSchedule.Scale(16, 16), ScaleSchedule.square(java.util.Arrays.copyOf(dense, 16)));
            table.put(new ScaleSchedule.Scale(32, 32), ScaleSchedule.square(java.util.Arrays.copyOf(dense, 20)));
            table.put(new ScaleSchedule.Scale(64, 64), ScaleSchedule.square(java.util.Arrays.copyOf(dense, 24)));
        } else if (mode.startsWith("same") && mode.length() > 4) {
            int n = Integer.parseInt(mode.substring(4));
            for (int side : new int[] {16, 32, 64}) {
                List<ScaleSchedule.Scale> same = Collections.nCopies(n, new ScaleSchedule.Scale(side, side));
                table.put(new ScaleSchedule.Scale(side, side), ScaleSchedule.of(same));
            }
        } else if (!mode.equals("original")) {
            throw new IllegalArgumentException("unknown schedule mode '" + mode + "' (original, dynamic, dense, sameN)");
        }
        ScaleSchedule hw = table.get(new ScaleSchedule.Scale(h, w));
        if (hw == null) {
            throw new IllegalArgumentException("no '" + mode + "' scale schedule for a " + h + "x" + w + " latent (known: " + table.keySet() + ")");
        }
        int[] ts = {1, 2, 3, 4, 5, 6, 7, 9, 11, 13, 15, 17};               // then 17 repeated
        int[][] out = new int[hw.size()][];
        for (int i = 0; i < out.length; i++) {
            int ti = i < ts.length ? ts[i] : 17;
            out[i] = new int[] {Math.min(t, ti), hw.get(i).h(), hw.get(i).w()};
        }
        return out;
    }

    /** {@link #latentScheduleThw} for an image latent (t = 1). */
    public static ScaleSchedule latentSchedule(int h, int w, String mode) {
        return ScaleSchedule.fromTriples(latentScheduleThw(1, h, w, mode));
    }
}
