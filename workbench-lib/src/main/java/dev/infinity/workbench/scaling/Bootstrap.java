package dev.infinity.workbench.scaling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Seeded nonparametric bootstrap of a power-law fit: resample the (N, L) points with replacement, refit, and
 * read percentile intervals off the refitted laws. Resamples with fewer than 3 distinct N are skipped (the
 * exponent is undetermined there); so are resamples whose fit fails to converge.
 */
public final class Bootstrap {
    private final List<PowerLaw> laws;

    private Bootstrap(List<PowerLaw> laws) { this.laws = laws; }

    /** {@code fitter} is e.g. {@code PowerLawFit::logLinear} or {@code PowerLawFit::withOffset}. */
    public static Bootstrap of(double[] n, double[] loss, BiFunction<double[], double[], PowerLawFit> fitter, int resamples, long seed) {
        if (n.length != loss.length) throw new IllegalArgumentException(n.length + " N values but " + loss.length + " losses");
        Random rng = new Random(seed);
        List<PowerLaw> laws = new ArrayList<>(resamples);
        double[] bn = new double[n.length], bl = new double[n.length];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < n.length; i++) {
                int j = rng.nextInt(n.length);
                bn[i] = n[j];
                bl[i] = loss[j];
            }
            if (Arrays.stream(bn).distinct().count() < 3) continue;
            try {
                laws.add(fitter.apply(bn.clone(), bl.clone()).law());
            } catch (RuntimeException e) { // a degenerate resample: skipped, see the class comment
            }
        }
        if (laws.size() < resamples / 2) throw new IllegalStateException("only " + laws.size() + " of " + resamples + " bootstrap fits succeeded");
        return new Bootstrap(laws);
    }

    public List<PowerLaw> laws() { return laws; }

    /** Percentile interval {@code [low, high]} of the exponent b at confidence {@code level} (e.g. 0.95). */
    public double[] exponentInterval(double level) {
        return percentiles(laws.stream().mapToDouble(PowerLaw::b).toArray(), level);
    }

    /** Percentile interval of the predicted loss at {@code n}. */
    public double[] predictionInterval(double n, double level) {
        return percentiles(laws.stream().mapToDouble(l -> l.predict(n)).toArray(), level);
    }

    static double[] percentiles(double[] values, double level) {
        double[] v = values.clone();
        Arrays.sort(v);
        double lo = (1 - level) / 2;
        return new double[] {quantile(v, lo), quantile(v, 1 - lo)};
    }

    /** Linear interpolation between order statistics (numpy's default). */
    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, sorted.length - 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }
}
