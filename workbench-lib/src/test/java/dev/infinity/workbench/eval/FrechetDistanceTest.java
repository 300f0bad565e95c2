package dev.infinity.workbench.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrechetDistanceTest {
    static double[][] gaussian(int n, double[] mean, double[] std, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][mean.length];
        for (double[] row : x) for (int j = 0; j < mean.length; j++) row[j] = mean[j] + std[j] * r.nextGaussian();
        return x;
    }

    @Test
    void identicalSetsGiveZero() {
        double[][] f = gaussian(200, new double[] {1, -2, 0.5, 3}, new double[] {1, 2, 0.3, 0.1}, 1);
        assertEquals(0.0, FrechetDistance.of(f, f), 1e-9);
    }

    @Test
    void diagonalGaussiansMatchClosedForm() {
        // S1 = diag(s1^2), S2 = diag(s2^2): FD = |mu1 - mu2|^2 + sum (s1 - s2)^2 exactly.
        double[] mu1 = {0, 1, 2}, mu2 = {1, 1, -1}, s1 = {1, 2, 3}, s2 = {2, 0.5, 3};
        double[][] c1 = new double[3][3], c2 = new double[3][3];
        double want = 0;
        for (int i = 0; i < 3; i++) {
            c1[i][i] = s1[i] * s1[i];
            c2[i][i] = s2[i] * s2[i];
            want += Math.pow(mu1[i] - mu2[i], 2) + Math.pow(s1[i] - s2[i], 2);
        }
        double got = FrechetDistance.of(new FeatureStatistics(mu1, c1, -1), new FeatureStatistics(mu2, c2, -1));
        assertEquals(want, got, 1e-12);
        assertEquals(1 * 2 + 2 * 0.5 + 3 * 3, FrechetDistance.traceSqrtProduct(c1, c2), 1e-12);
    }

    @Test
    void sampledStatisticsApproachTheClosedForm() {
        double[] m1 = {0, 0}, m2 = {3, 0}, s1 = {1, 1}, s2 = {1, 2};
        double fd = FrechetDistance.of(gaussian(20000, m1, s1, 2), gaussian(20000, m2, s2, 3));
        assertEquals(9 + 1, fd, 0.15);
    }

    @Test
    void singularCovarianceIsClampedNotNaN() {
        double[][] few = gaussian(3, new double[] {0, 0, 0, 0, 0}, new double[] {1, 1, 1, 1, 1}, 4); // rank 2 covariance in 5-D
        double fd = FrechetDistance.of(few, few);
        assertTrue(Math.abs(fd) < 1e-6, "got " + fd);
    }

    @Test
    void statisticsRoundTripThroughNpyFolder(@TempDir Path dir) {
        FeatureStatistics s = FeatureStatistics.of(gaussian(50, new double[] {1, 2, 3}, new double[] {1, 1, 1}, 5));
        s.save(dir.resolve("stats"));
        FeatureStatistics back = FeatureStatistics.load(dir.resolve("stats"));
        assertArrayEquals(s.mu(), back.mu());
        for (int i = 0; i < 3; i++) assertArrayEquals(s.sigma()[i], back.sigma()[i]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureStatistics.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("mu.npy"), e.getMessage());
    }
}
