package dev.infinity.workbench.parity;

import com.google.gson.JsonObject;

/**
 * A golden tensor's tolerance: {@code exact}, or {@code allclose} with {@code |got - want| <= atol + rtol |want|}
 * per element and optionally {@code mean |got - want| <= meanAbs}. Non-finite values must match exactly.
 */
public record Tolerance(boolean exact, double atol, double rtol, Double meanAbs) {
    public static final Tolerance EXACT = new Tolerance(true, 0, 0, null);

    public static Tolerance fromJson(JsonObject t) {
        if (t == null || "exact".equals(t.get("compare").getAsString())) return EXACT;
        double atol = t.has("atol") ? t.get("atol").getAsDouble() : 0;
        double rtol = t.has("rtol") ? t.get("rtol").getAsDouble() : 0;
        Double mean = t.has("mean_abs") ? t.get("mean_abs").getAsDouble() : null;
        return new Tolerance(false, atol, rtol, mean);
    }

    /** Compares element-wise; the result carries max abs / max rel / mean abs error and the verdict. */
    public Check check(String name, double[] got, double[] want) {
        if (got.length != want.length) {
            return new Check(name, false, Double.NaN, Double.NaN, Double.NaN, "got " + got.length + " elements, want " + want.length);
        }
        double maxAbs = 0, maxRel = 0, sumAbs = 0;
        int bad = 0, firstBad = -1;
        for (int i = 0; i < got.length; i++) {
            double g = got[i], w = want[i];
            boolean ok;
            double err;
            if (Double.isNaN(w) || Double.isInfinite(w) || Double.isNaN(g) || Double.isInfinite(g)) {
                ok = Double.compare(g, w) == 0 || (Double.isNaN(g) && Double.isNaN(w));
                err = ok ? 0 : Double.POSITIVE_INFINITY;
            } else {
                err = Math.abs(g - w);
                ok = exact ? g == w : err <= atol + rtol * Math.abs(w);
                if (w != 0) maxRel = Math.max(maxRel, err / Math.abs(w));
            }
            maxAbs = Math.max(maxAbs, err);
            sumAbs += Double.isInfinite(err) ? 0 : err;
            if (!ok) {
                bad++;
                if (firstBad < 0) firstBad = i;
            }
        }
        double mean = got.length == 0 ? 0 : sumAbs / got.length;
        boolean pass = bad == 0 && (meanAbs == null || mean <= meanAbs);
        String detail = bad > 0 ? bad + " of " + got.length + " elements outside tolerance (first at flat index " + firstBad
                + ": got " + got[firstBad] + ", want " + want[firstBad] + ")"
                : pass ? "" : "mean abs error " + mean + " > " + meanAbs;
        return new Check(name, pass, maxAbs, maxRel, mean, detail);
    }

    /** One compared tensor or fact. */
    public record Check(String name, boolean pass, double maxAbs, double maxRel, double meanAbs, String detail) {
        public static Check fact(String name, boolean pass, String detail) {
            return new Check(name, pass, 0, 0, 0, detail);
        }
    }
}
