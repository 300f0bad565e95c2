package dev.infinity.workbench.experiment;

/** An experiment kind: what {@code "kind"} in an experiment file names. */
public interface Experiment {
    String kind();

    /** Runs (or resumes) the experiment, writing CSV/PNG into {@code ctx.outDir()}. */
    void run(ExperimentContext ctx) throws Exception;
}
