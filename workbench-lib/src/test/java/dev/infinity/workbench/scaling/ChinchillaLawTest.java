package dev.infinity.workbench.scaling;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChinchillaLawTest {
    @Test
    void recoversPublishedChinchillaParametersFromNoiselessAndNoisyData() {
        ChinchillaLaw truth = new ChinchillaLaw(1.69, 406.4, 0.34, 410.7, 0.28);
        double[] ns = {1e7, 3e7, 1e8, 3e8, 1e9, 3e9}, ds = {1e8, 1e9, 1e10, 1e11, 1e12};
        int m = ns.length * ds.length;
        double[] n = new double[m], d = new double[m], l = new double[m], noisy = new double[m];
        Random r = new Random(11);
        int k = 0;
        for (double nn : ns) for (double dd : ds) {
            n[k] = nn;
            d[k] = dd;
            l[k] = truth.predict(nn, dd);
            noisy[k] = l[k] * Math.exp(0.002 * r.nextGaussian());
            k++;
        }
        ChinchillaLaw fit = ChinchillaLaw.fit(n, d, l);
        assertEquals(1.69, fit.e(), 1e-3);
        assertEquals(0.34, fit.alpha(), 1e-3);
        assertEquals(0.28, fit.beta(), 1e-3);
        assertEquals(406.4, fit.a(), 406.4 * 0.02);
        assertEquals(410.7, fit.b(), 410.7 * 0.02);
        assertEquals(truth.optimalParams(1e21), fit.optimalParams(1e21), truth.optimalParams(1e21) * 0.05);

        ChinchillaLaw nf = ChinchillaLaw.fit(n, d, noisy);
        assertEquals(1.69, nf.e(), 0.05);
        assertEquals(0.34, nf.alpha(), 0.03);
        assertEquals(0.28, nf.beta(), 0.03);
    }
}
