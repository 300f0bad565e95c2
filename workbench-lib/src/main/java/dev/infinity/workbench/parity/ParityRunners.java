package dev.infinity.workbench.parity;

import java.util.List;

/** The registry of case runners: one line per implemented golden {@code kind}. */
public final class ParityRunners {
    private ParityRunners() {}

    public static List<CaseRunner> all() {
        return List.of(
                new CheckpointFormatRunner(),
                new InfinityForwardRunner(),
                new SamplingRunner(),
                new InfinityInferRunner(),
                new BsqRunner(),
                new MultiScaleBsqRunner(),
                new DynamicResolutionRunner(),
                new VaeRunner());
    }
}
