package dev.infinity.workbench.scaling;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/**
 * The Chinchilla parametric loss {@code L(N, D) = E + A / N^alpha + B / D^beta} (Hoffmann et al. 2022, approach 3).
 *
 * <p>{@link #fit} minimises, over {@code p = (a, b, e, alpha, beta)} with {@code A = e^a, B = e^b, E = e^e}, the sum
 * of Huber losses (delta 1e-3) of the residuals {@code LSE(a - alpha log N, b - beta log D, e) - log L}, from every
 * point of a grid of starts, and keeps the best. The paper uses L-BFGS; here each start runs iteratively reweighted
 * Levenberg–Marquardt (weights {@code min(1, delta / |r|)}, the Huber IRLS weights), which converges to the same
 * minimiser and is robust with Commons Math.
 */
public record ChinchillaLaw(double e, double a, double alpha, double b, double beta) {
    public static final double HUBER_DELTA = 1e-3;
    private static final int IRLS_ROUNDS = 30;

    /** Starting values; the fit tries every combination. */
    public record Grid(double[] alpha, double[] beta, double[] e, double[] a, double[] b) {
        /** A coarse version of the paper's grid (alpha, beta in 0..2, e in -1..1, a, b in 0..25): 108 starts. */
        public static Grid standard() {
            return new Grid(new double[] {0.3, 1.0}, new double[] {0.3, 1.0}, new double[] {-1, 0, 1},
                    new double[] {0, 10, 20}, new double[] {0, 10, 20});
        }
    }

    public double predict(double n, double d) { return e + a / Math.pow(n, alpha) + b / Math.pow(d, beta); }

    /** Compute-optimal model size for a budget C = 6 N D: {@code N_opt = G (C/6)^(beta/(alpha+beta))}. */
    public double optimalParams(double flops) {
        double g = Math.pow(alpha * a / (beta * b), 1 / (alpha + beta));
        return g * Math.pow(flops / 6, beta / (alpha + beta));
    }

    public static ChinchillaLaw fit(double[] n, double[] d, double[] loss) { return fit(n, d, loss, Grid.standard()); }

    public static ChinchillaLaw fit(double[] n, double[] d, double[] loss, Grid grid) {
        if (n.length != d.length || n.length != loss.length) throw new IllegalArgumentException("N, D and L differ in length");
        if (n.length < 5) throw new IllegalArgumentException("the Chinchilla form has 5 parameters; got " + n.length + " points");
        double[] ln = PowerLawFit.logs(n, "N"), ld = PowerLawFit.logs(d, "D"), ll = PowerLawFit.logs(loss, "L");
        double[] best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (double al : grid.alpha()) for (double be : grid.beta()) for (double e0 : grid.e()) for (double a0 : grid.a()) for (double b0 : grid.b()) {
            double[] p;
            try {
                p = huberIrls(ln, ld, ll, new double[] {a0, b0, e0, al, be});
            } catch (org.apache.commons.math3.exception.MathIllegalStateException ex) { // this start did not converge
                continue;
            }
            double h = huberSum(p, ln, ld, ll);
            if (h < bestLoss) {
                bestLoss = h;
                best = p;
            }
        }
        if (best == null) throw new IllegalStateException("Chinchilla fit did not converge from any start");
        return new ChinchillaLaw(Math.exp(best[2]), Math.exp(best[0]), best[3], Math.exp(best[1]), best[4]);
    }

    private static double[] huberIrls(double[] ln, double[] ld, double[] ll, double[] start) {
        int m = ln.length;
        double[] p = start.clone(), w = new double[m];
        java.util.Arrays.fill(w, 1);
        for (int round = 0; round < IRLS_ROUNDS; round++) {
            double[] sw = new double[m];
            for (int i = 0; i < m; i++) sw[i] = Math.sqrt(w[i]);
            LeastSquaresBuilder problem = new LeastSquaresBuilder()
                    .start(p).target(new double[m]).maxEvaluations(2000).maxIterations(2000)
                    .model(q -> {
                        double[] q5 = q.toArray(), soft = new double[3];
                        RealVector value = new ArrayRealVector(m);
                        double[][] jac = new double[m][5];
                        for (int i = 0; i < m; i++) {
                            value.setEntry(i, sw[i] * residual(q5, ln[i], ld[i], ll[i], soft));
                            jac[i][0] = sw[i] * soft[0];
                            jac[i][1] = sw[i] * soft[1];
                            jac[i][2] = sw[i] * soft[2];
                            jac[i][3] = -sw[i] * soft[0] * ln[i];
                            jac[i][4] = -sw[i] * soft[1] * ld[i];
                        }
                        return new Pair<>(value, new Array2DRowRealMatrix(jac, false));
                    });
            double[] next = new LevenbergMarquardtOptimizer().optimize(problem.build()).getPoint().toArray();
            double change = 0;
            for (int k = 0; k < 5; k++) change = Math.max(change, Math.abs(next[k] - p[k]));
            p = next;
            boolean weightsChanged = false;
            for (int i = 0; i < m; i++) {
                double r = Math.abs(residual(p, ln[i], ld[i], ll[i], null));
                double nw = r <= HUBER_DELTA ? 1 : HUBER_DELTA / r;
                weightsChanged |= Math.abs(nw - w[i]) > 1e-9;
                w[i] = nw;
            }
            if (!weightsChanged || change < 1e-12) break;
        }
        return p;
    }

    private static double huberSum(double[] p, double[] ln, double[] ld, double[] ll) {
        double s = 0;
        for (int i = 0; i < ln.length; i++) {
            double r = Math.abs(residual(p, ln[i], ld[i], ll[i], null));
            s += r <= HUBER_DELTA ? 0.5 * r * r : HUBER_DELTA * (r - 0.5 * HUBER_DELTA);
        }
        return s;
    }

    /** {@code LSE(a - alpha lnN, b - beta lnD, e) - lnL}; fills the softmax weights of the three terms when given. */
    private static double residual(double[] p, double lnN, double lnD, double lnL, double[] soft) {
        double t0 = p[0] - p[3] * lnN, t1 = p[1] - p[4] * lnD, t2 = p[2];
        double mx = Math.max(t0, Math.max(t1, t2));
        double e0 = Math.exp(t0 - mx), e1 = Math.exp(t1 - mx), e2 = Math.exp(t2 - mx), sum = e0 + e1 + e2;
        if (soft != null) {
            soft[0] = e0 / sum;
            soft[1] = e1 / sum;
            soft[2] = e2 / sum;
        }
        return mx + Math.log(sum) - lnL;
    }
}
