package dev.infinity.workbench.scaling;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PowerLawFitTest {
    static final double[] N = {1e6, 3e6, 1e7, 3e7, 1e8, 3e8, 1e9};

    @Test
    void recoversANoiselessPowerLaw() {
        PowerLaw truth = PowerLaw.pure(50, 0.3);
        PowerLawFit fit = PowerLawFit.logLinear(N, truth.predict(N));
        assertEquals(50, fit.law().a(), 1e-9);
        assertEquals(0.3, fit.law().b(), 1e-12);
        assertEquals(1.0, fit.r2(), 1e-12);
        assertEquals(-1.0, fit.pearsonLog(), 1e-12);
    }

    @Test
    void varScaleFormSanityExample() {
        // VAR reports its laws as L = (k N)^-alpha, e.g. L = (2.0 N)^-0.23 with N in billions; refit recovers k and alpha.
        double[] billions = {0.31, 0.6, 1.0, 2.0, 3.0};
        PowerLawFit fit = PowerLawFit.logLinear(billions, PowerLaw.ofScaleForm(2.0, 0.23).predict(billions));
        assertEquals(0.23, fit.law().b(), 1e-12);
        assertEquals(2.0, fit.law().scaleConstant(), 1e-9);
    }

    @Test
    void noisyDataGivesIntervalsThatCoverTheTruth() {
        PowerLaw truth = PowerLaw.pure(20, 0.25);
        Random r = new Random(7);
        double[] loss = new double[N.length];
        for (int i = 0; i < N.length; i++) loss[i] = truth.predict(N[i]) * Math.exp(0.02 * r.nextGaussian());
        PowerLawFit fit = PowerLawFit.logLinear(N, loss);
        assertEquals(0.25, fit.law().b(), 0.02);
        assertTrue(fit.r2() > 0.98 && fit.pearsonLog() < -0.99, fit.toString());

        Bootstrap boot = Bootstrap.of(N, loss, PowerLawFit::logLinear, 500, 42);
        double[] ci = boot.exponentInterval(0.95);
        assertTrue(ci[0] < 0.25 && 0.25 < ci[1] && ci[1] - ci[0] < 0.05, ci[0] + " .. " + ci[1]);
        double[] again = Bootstrap.of(N, loss, PowerLawFit::logLinear, 500, 42).exponentInterval(0.95);
        assertEquals(ci[0], again[0], 0.0, "seeded bootstrap is deterministic");

        PowerLawFit.Prediction p = fit.predict(1e10, 0.95);
        assertTrue(p.low() < truth.predict(1e10) && truth.predict(1e10) < p.high(), p.toString());
        PowerLawFit.Prediction near = fit.predict(3e7, 0.95);
        assertTrue(near.high() / near.low() < p.high() / p.low(), "extrapolation is less certain");
    }

    @Test
    void recoversAnOffsetPowerLawWithLevenbergMarquardt() {
        PowerLaw truth = new PowerLaw(40, 0.35, 1.7);
        PowerLawFit fit = PowerLawFit.withOffset(N, truth.predict(N));
        assertEquals(40, fit.law().a(), 40 * 1e-5);
        assertEquals(0.35, fit.law().b(), 1e-6);
        assertEquals(1.7, fit.law().c(), 1e-6);
        assertEquals(1.0, fit.r2(), 1e-9);

        Random r = new Random(3);
        double[] noisy = truth.predict(N);
        for (int i = 0; i < noisy.length; i++) noisy[i] *= Math.exp(0.003 * r.nextGaussian());
        PowerLawFit nf = PowerLawFit.withOffset(N, noisy);
        assertEquals(1.7, nf.law().c(), 0.1);
        double[] band = Bootstrap.of(N, noisy, PowerLawFit::withOffset, 100, 1).predictionInterval(1e10, 0.9);
        assertTrue(band[0] < band[1] && band[0] > 1.5 && band[1] < 2.2, band[0] + " .. " + band[1]);
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PowerLawFit.logLinear(new double[] {1, 2, 3}, new double[] {1, -1, 2}));
        assertTrue(e.getMessage().contains("L[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PowerLawFit.logLinear(new double[] {1, 2}, new double[] {1, 2}));
    }

    @Test
    void computeFrontierPicksTheBestRunPerBudget() {
        // Each run: L = 2 + 10 / N^0.3 + 50 / (C / N)^0.3 with data D = C / N; small runs win at small budgets.
        double[] sizes = {1e6, 1e7, 1e8};
        double[] compute = {1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
        List<ComputeFrontier.Run> runs = new java.util.ArrayList<>();
        for (double s : sizes) {
            double[] l = new double[compute.length];
            for (int i = 0; i < compute.length; i++) l[i] = 2 + 10 / Math.pow(s, 0.3) + 50 / Math.pow(compute[i] / s, 0.3);
            runs.add(new ComputeFrontier.Run("N=" + s, s, compute, l));
        }
        ComputeFrontier f = ComputeFrontier.of(runs, new double[] {1e12, 1e14, 1e17, 1e18});
        assertEquals(3, f.points().size(), "1e18 was reached by no run");
        assertEquals("N=1000000.0", f.points().get(0).run());
        for (ComputeFrontier.Point pt : f.points()) {
            for (ComputeFrontier.Run run : runs) assertTrue(pt.loss() <= run.lossAt(pt.budget()));
        }
        double[] params = f.params();
        assertTrue(params[0] <= params[1] && params[1] <= params[2]);
        assertEquals(runs.get(0).loss()[1] + 0.5 * (runs.get(0).loss()[2] - runs.get(0).loss()[1]), runs.get(0).lossAt(Math.sqrt(1e13 * 1e14)), 1e-12);
    }

    @Test
    void atOnePercentNoiseTheExponentIsWithinTwoPercentAndTheIntervalCoversTheTruth() {
        PowerLaw truth = PowerLaw.pure(20, 0.25);
        int covered = 0;
        for (int trial = 0; trial < 100; trial++) {
            Random r = new Random(1000 + trial);
            double[] loss = new double[N.length];
            for (int i = 0; i < N.length; i++) loss[i] = truth.predict(N[i]) * (1 + 0.01 * r.nextGaussian());
            PowerLawFit fit = PowerLawFit.logLinear(N, loss);
            assertEquals(0.25, fit.law().b(), 0.02 * 0.25, "trial " + trial);
            double[] ci = Bootstrap.of(N, loss, PowerLawFit::logLinear, 200, trial).exponentInterval(0.95);
            if (ci[0] <= 0.25 && 0.25 <= ci[1]) covered++;
        }
        assertTrue(covered >= 90, "95% bootstrap interval covered the true exponent in " + covered + " of 100 trials");
    }
}
