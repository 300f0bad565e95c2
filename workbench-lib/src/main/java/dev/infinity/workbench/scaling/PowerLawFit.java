package dev.infinity.workbench.scaling;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.util.Pair;

/**
 * A fitted {@link PowerLaw} with its goodness of fit, from (N, L) points.
 *
 * <ul>
 *   <li>{@link #logLinear}: {@code L = a N^-b} by ordinary least squares of {@code log L} on {@code log N};</li>
 *   <li>{@link #withOffset}: {@code L = a N^-b + c} by Levenberg–Marquardt on the log-space residuals
 *       {@code log(a N^-b + c) - log L} (so every decade weighs the same, as in the log-linear fit), started from
 *       several fractions of {@code min L} for c and kept with {@code 0 <= c < min L}.</li>
 * </ul>
 * {@code r2} is the coefficient of determination in log space ({@code 1 - SS_res / SS_tot} of log L);
 * {@code pearsonLog} is Pearson's r between log N and log L (about -1 for a clean power law).
 */
public record PowerLawFit(PowerLaw law, double r2, double pearsonLog, int points, double meanLogN, double sxxLogN, double residualStd) {

    /** A prediction and its interval. */
    public record Prediction(double n, double value, double low, double high) {}

    public static PowerLawFit logLinear(double[] n, double[] loss) {
        double[] x = logs(n, "N"), y = logs(loss, "L");
        int m = x.length;
        if (m < 3) throw new IllegalArgumentException("a power-law fit needs at least 3 points, got " + m);
        double mx = mean(x), my = mean(y), sxx = 0, sxy = 0;
        for (int i = 0; i < m; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (sxx == 0) throw new IllegalArgumentException("all N are equal: the exponent is undetermined");
        double slope = sxy / sxx;
        PowerLaw law = PowerLaw.pure(Math.exp(my - slope * mx), -slope);
        return summarise(law, x, y, n);
    }

    public static PowerLawFit withOffset(double[] n, double[] loss) {
        double[] x = logs(n, "N"), y = logs(loss, "L");
        if (x.length < 4) throw new IllegalArgumentException("a power law with offset needs at least 4 points, got " + x.length);
        double minLoss = Double.POSITIVE_INFINITY;
        for (double l : loss) minLoss = Math.min(minLoss, l);
        double cMax = minLoss * (1 - 1e-9);
        PowerLaw best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (double frac : new double[] {0.0, 0.3, 0.6, 0.9}) {
            double c0 = frac * minLoss;
            double[] shifted = new double[loss.length];
            for (int i = 0; i < loss.length; i++) shifted[i] = loss[i] - c0;
            PowerLaw start = logLinear(n, shifted).law();
            try {
                PowerLaw fit = levenbergMarquardt(x, y, new PowerLaw(start.a(), start.b(), c0), cMax);
                double cost = logCost(fit, n, y);
                if (cost < bestCost) {
                    bestCost = cost;
                    best = fit;
                }
            } catch (RuntimeException e) { // this start diverged; the other starts decide
            }
        }
        if (best == null) throw new IllegalStateException("offset power-law fit did not converge from any start");
        return summarise(best, x, y, n);
    }

    /** Parameters (ln a, b, c); residual i = log(a N_i^-b + c) - log L_i. */
    private static PowerLaw levenbergMarquardt(double[] x, double[] y, PowerLaw start, double cMax) {
        int m = x.length;
        LeastSquaresBuilder problem = new LeastSquaresBuilder()
                .start(new double[] {Math.log(start.a()), start.b(), start.c()})
                .target(y)
                .model(p -> {
                    double lnA = p.getEntry(0), b = p.getEntry(1), c = p.getEntry(2);
                    RealVector value = new ArrayRealVector(m);
                    double[][] jac = new double[m][3];
                    for (int i = 0; i < m; i++) {
                        double pow = Math.exp(lnA - b * x[i]); // a N^-b
                        double f = pow + c;
                        value.setEntry(i, Math.log(f));
                        jac[i][0] = pow / f;
                        jac[i][1] = -x[i] * pow / f;
                        jac[i][2] = 1 / f;
                    }
                    return new Pair<>(value, new Array2DRowRealMatrix(jac, false));
                })
                .parameterValidator(p -> {
                    RealVector q = p.copy();
                    q.setEntry(2, Math.max(0, Math.min(cMax, q.getEntry(2))));
                    return q;
                })
                .maxEvaluations(10_000)
                .maxIterations(10_000);
        LeastSquaresOptimizer.Optimum opt = new LevenbergMarquardtOptimizer().optimize(problem.build());
        RealVector p = opt.getPoint();
        return new PowerLaw(Math.exp(p.getEntry(0)), p.getEntry(1), p.getEntry(2));
    }

    private static double logCost(PowerLaw law, double[] n, double[] y) {
        double s = 0;
        for (int i = 0; i < n.length; i++) s += Math.pow(Math.log(law.predict(n[i])) - y[i], 2);
        return s;
    }

    private static PowerLawFit summarise(PowerLaw law, double[] x, double[] y, double[] n) {
        int m = x.length;
        double my = mean(y), mx = mean(x), ssRes = 0, ssTot = 0, sxx = 0;
        for (int i = 0; i < m; i++) {
            double r = Math.log(law.predict(n[i])) - y[i];
            ssRes += r * r;
            ssTot += (y[i] - my) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        int dof = m - (law.c() == 0 ? 2 : 3);
        double r2 = ssTot == 0 ? 1 : 1 - ssRes / ssTot;
        double pearson = new PearsonsCorrelation().correlation(x, y);
        return new PowerLawFit(law, r2, pearson, m, mx, sxx, Math.sqrt(ssRes / Math.max(dof, 1)));
    }

    /**
     * Prediction at {@code n} with the classical prediction interval of the log-space regression
     * ({@code yhat ± t(level; m-2) s sqrt(1 + 1/m + (x - xbar)^2 / Sxx)}), mapped back through exp. For fits with an
     * offset use {@link Bootstrap#predictionInterval} instead.
     */
    public Prediction predict(double n, double level) {
        if (law.c() != 0) throw new IllegalStateException("analytic intervals are for the log-linear fit; use Bootstrap for fits with an offset");
        double x = Math.log(n), yhat = Math.log(law.predict(n));
        double t = new TDistribution(points - 2).inverseCumulativeProbability(0.5 + level / 2);
        double half = t * residualStd * Math.sqrt(1 + 1.0 / points + (x - meanLogN) * (x - meanLogN) / sxxLogN);
        return new Prediction(n, Math.exp(yhat), Math.exp(yhat - half), Math.exp(yhat + half));
    }

    static double[] logs(double[] v, String what) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] > 0) || Double.isInfinite(v[i])) throw new IllegalArgumentException(what + "[" + i + "] = " + v[i] + ": power-law fits need finite positive values");
            out[i] = Math.log(v[i]);
        }
        return out;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) s += d;
        return s / v.length;
    }
}
