package dev.infinity.workbench.cli;

import dev.infinity.workbench.parity.ParityHarness;

import java.nio.file.Path;
import java.util.List;

/** {@code ./workbench parity DIR}: every golden case under DIR against the Java implementation. */
final class ParityCommand implements Command {
    @Override public String name() { return "parity"; }
    @Override public String summary() { return "run every golden case under DIR (default ../shared/golden); non-zero exit on any FAIL"; }

    @Override
    public int run(Args args) {
        Path dir = args.positional().isEmpty() ? Workbench.home().resolve("../shared/golden").normalize() : Path.of(args.positional().get(0));
        args.rejectUnknown();
        List<ParityHarness.Result> results = ParityHarness.withAllRunners().runAll(dir, System.out);
        return results.stream().anyMatch(ParityHarness::isFailure) ? 1 : 0;
    }
}
