package dev.infinity.workbench.eval;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (FID when the features are Inception pool3):
 * {@code |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrtm(S1 S2))}, all in double precision.
 *
 * <p>{@code tr(sqrtm(S1 S2))} is computed as {@code tr(sqrt(S1^1/2 S2 S1^1/2))}: both matrices have the same
 * eigenvalues, and the second is symmetric positive semi-definite, so two symmetric eigen-decompositions replace
 * scipy's general {@code sqrtm}. Eigenvalues that rounding makes slightly negative or leaves at noise level
 * (covariances of fewer samples than dimensions are singular) are clamped to 0 (see {@link #resolution}) — pytorch-fid instead adds {@code 1e-6 I} to both covariances when
 * sqrtm fails and drops imaginary parts; for positive semi-definite inputs both give the same trace.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /** FID between two feature sets (N1, D) and (N2, D). */
    public static double of(double[][] features1, double[][] features2) {
        return of(FeatureStatistics.of(features1), FeatureStatistics.of(features2));
    }

    public static double of(FeatureStatistics a, FeatureStatistics b) {
        if (a.dim() != b.dim()) throw new IllegalArgumentException("feature dimensions differ: " + a.dim() + " vs " + b.dim());
        double meanTerm = 0, traces = 0;
        for (int i = 0; i < a.dim(); i++) {
            double d = a.mu()[i] - b.mu()[i];
            meanTerm += d * d;
            traces += a.sigma()[i][i] + b.sigma()[i][i];
        }
        return meanTerm + traces - 2 * traceSqrtProduct(a.sigma(), b.sigma());
    }

    /** {@code tr(sqrtm(s1 s2))} for symmetric positive semi-definite s1, s2. */
    public static double traceSqrtProduct(double[][] s1, double[][] s2) {
        RealMatrix root1 = sqrtPsd(new Array2DRowRealMatrix(s1, false));
        RealMatrix m = root1.multiply(new Array2DRowRealMatrix(s2, false)).multiply(root1);
        double[] ev = new EigenDecomposition(symmetrize(m)).getRealEigenvalues();
        double floor = resolution(ev), trace = 0;
        for (double e : ev) trace += e > floor ? Math.sqrt(e) : 0;
        return trace;
    }

    /** The symmetric square root {@code V diag(sqrt(max(l, 0))) V^T}. */
    static RealMatrix sqrtPsd(RealMatrix s) {
        EigenDecomposition e = new EigenDecomposition(symmetrize(s));
        double[] ev = e.getRealEigenvalues();
        RealMatrix v = e.getV();
        int n = ev.length;
        double[][] scaled = new double[n][n];
        double floor = resolution(ev);
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) scaled[i][k] = v.getEntry(i, k) * (ev[k] > floor ? Math.sqrt(ev[k]) : 0);
        return new Array2DRowRealMatrix(scaled, false).multiply(v.transpose());
    }

    /**
     * Eigenvalues at or below {@code n * eps * max|eigenvalue|} are not resolved by the decomposition (they are
     * rounding noise of a singular matrix) and count as 0; without this their square roots, ~1e-8 of the largest
     * eigenvalue each, would add up to a visible nonzero FID between identical rank-deficient sets.
     */
    private static double resolution(double[] ev) {
        double max = 0;
        for (double e : ev) max = Math.max(max, Math.abs(e));
        return ev.length * Math.ulp(1.0) * max;
    }

    private static RealMatrix symmetrize(RealMatrix m) {
        int n = m.getRowDimension();
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) out[i][j] = 0.5 * (m.getEntry(i, j) + m.getEntry(j, i));
        return new Array2DRowRealMatrix(out, false);
    }
}
