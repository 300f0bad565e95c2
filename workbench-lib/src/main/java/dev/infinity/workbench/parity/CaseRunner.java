package dev.infinity.workbench.parity;

/** Runs golden cases of one {@code kind} through the Java implementation. */
public interface CaseRunner {
    /** The {@code kind} field of the case.json files this runner handles. */
    String kind();

    /** Computes every output (and intermediate worth checking) and compares it; must not special-case sizes. */
    void run(GoldenCase golden, CaseReport report) throws Exception;
}
