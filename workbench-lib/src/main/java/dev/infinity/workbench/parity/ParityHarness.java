package dev.infinity.workbench.parity;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs every golden case under a folder: finds each {@code case.json}, dispatches on its {@code kind}
 * to the registered {@link CaseRunner}, prints one line per case and a summary.
 */
public final class ParityHarness {
    /** The outcome of one case. */
    public record Result(String caseName, String kind, CaseReport.Status status, double maxAbs, double maxRel, String detail, boolean optional) {}

    private final Map<String, CaseRunner> runners = new LinkedHashMap<>();

    public ParityHarness(List<CaseRunner> runners) {
        for (CaseRunner r : runners) this.runners.put(r.kind(), r);
    }

    /** A harness with every runner the library implements. */
    public static ParityHarness withAllRunners() {
        return new ParityHarness(ParityRunners.all());
    }

    public static List<Path> discover(Path root) {
        if (!Files.isDirectory(root)) throw new IllegalArgumentException(root + ": not a directory");
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals("case.json")).map(Path::getParent).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Result runCase(Path dir) {
        GoldenCase golden;
        try {
            golden = new GoldenCase(dir);
        } catch (RuntimeException e) {
            return new Result(dir.toString(), "?", CaseReport.Status.ERROR, 0, 0, "unreadable case.json: " + e.getMessage(), false);
        }
        CaseRunner runner = runners.get(golden.kind());
        if (runner == null) {
            return new Result(golden.name(), golden.kind(), CaseReport.Status.NOT_IMPLEMENTED, 0, 0, "no runner for kind '" + golden.kind() + "'", golden.optional());
        }
        CaseReport report = new CaseReport(golden);
        try {
            runner.run(golden, report);
        } catch (UnsupportedOperationException e) {
            return new Result(golden.name(), golden.kind(), CaseReport.Status.NOT_IMPLEMENTED, 0, 0, e.getMessage(), golden.optional());
        } catch (Exception | Error e) {
            return new Result(golden.name(), golden.kind(), CaseReport.Status.ERROR, 0, 0, e.getClass().getSimpleName() + ": " + e.getMessage(), golden.optional());
        }
        String detail = report.checks().stream().filter(c -> !c.pass())
                .map(c -> c.name() + ": " + c.detail()).findFirst().orElse(report.checks().size() + " checks");
        return new Result(golden.name(), golden.kind(), report.passed() ? CaseReport.Status.PASS : CaseReport.Status.FAIL,
                report.maxAbs(), report.maxRel(), detail, golden.optional());
    }

    /** Runs all cases under {@code root}, printing a line each; returns the results. */
    public List<Result> runAll(Path root, PrintStream out) {
        List<Result> results = new ArrayList<>();
        for (Path dir : discover(root)) {
            Result r = runCase(dir);
            results.add(r);
            out.println(format(r));
            out.flush();
        }
        long pass = results.stream().filter(r -> r.status() == CaseReport.Status.PASS).count();
        long fail = results.stream().filter(ParityHarness::isFailure).count();
        long ni = results.stream().filter(r -> r.status() == CaseReport.Status.NOT_IMPLEMENTED).count();
        out.printf(Locale.ROOT, "parity: %d cases, %d passed, %d failed, %d not implemented%n", results.size(), pass, fail, ni);
        return results;
    }

    /** FAIL and ERROR count as failures; a failing optional case is reported but does not fail the run. */
    public static boolean isFailure(Result r) {
        return (r.status() == CaseReport.Status.FAIL || r.status() == CaseReport.Status.ERROR) && !r.optional();
    }

    public static String format(Result r) {
        String status = r.status() == CaseReport.Status.NOT_IMPLEMENTED ? "NOT-IMPLEMENTED" : r.status().name();
        return String.format(Locale.ROOT, "%-15s %-40s %-18s max_abs=%-10.3g max_rel=%-10.3g %s%s",
                status, r.caseName(), r.kind(), r.maxAbs(), r.maxRel(), r.optional() ? "(optional) " : "", r.detail());
    }
}
