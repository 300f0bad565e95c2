package dev.infinity.workbench.eval;

import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.parity.CaseReport;
import dev.infinity.workbench.parity.CaseRunner;
import dev.infinity.workbench.parity.GoldenCase;

/** Golden kind {@code fid}: statistics and Fréchet distance of two feature sets. */
public final class FidRunner implements CaseRunner {
    @Override public String kind() { return "fid"; }

    @Override
    public void run(GoldenCase golden, CaseReport report) {
        FeatureStatistics s1 = FeatureStatistics.of(golden.load("features1"));
        FeatureStatistics s2 = FeatureStatistics.of(golden.load("features2"));
        report.compare("mu1", s1.muTensor());
        report.compare("sigma1", s1.sigmaTensor());
        report.compare("mu2", s2.muTensor());
        report.compare("sigma2", s2.sigmaTensor());
        report.compare("trace_sqrtm_sigma1_sigma2", scalar(FrechetDistance.traceSqrtProduct(s1.sigma(), s2.sigma())));
        report.compare("fid", scalar(FrechetDistance.of(s1, s2)));
        report.compare("fid_self", scalar(FrechetDistance.of(s1, s1)));
    }

    private static HostTensor scalar(double v) { return HostTensor.of(new double[] {v}); }
}
