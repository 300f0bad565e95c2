package dev.infinity.workbench.parity;

import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.parity.GoldenCase.TensorSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The checks one case produced; a case passes when every check passes. */
public final class CaseReport {
    public enum Status { PASS, FAIL, NOT_IMPLEMENTED, ERROR }

    private final GoldenCase golden;
    private final List<Tolerance.Check> checks = new ArrayList<>();

    public CaseReport(GoldenCase golden) { this.golden = golden; }

    public GoldenCase golden() { return golden; }
    public List<Tolerance.Check> checks() { return checks; }

    public void add(Tolerance.Check c) { checks.add(c); }

    /** Compares a computed tensor with the golden file of {@code spec} (shape and values, spec tolerance). */
    public Tolerance.Check compare(TensorSpec spec, HostTensor got) {
        HostTensor want = golden.load(spec);
        Tolerance.Check c;
        if (!Arrays.equals(got.shape(), want.shape())) {
            c = new Tolerance.Check(spec.name(), false, Double.NaN, Double.NaN, Double.NaN,
                    "shape " + Arrays.toString(got.shape()) + " != golden " + Arrays.toString(want.shape()));
        } else {
            c = spec.tolerance().check(spec.name(), got.toDoubleArray(), want.toDoubleArray());
        }
        checks.add(c);
        return c;
    }

    /** Compares by name. */
    public Tolerance.Check compare(String name, HostTensor got) { return compare(golden.spec(name), got); }

    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Tolerance.Check::pass);
    }

    public double maxAbs() { return checks.stream().mapToDouble(Tolerance.Check::maxAbs).filter(d -> !Double.isNaN(d)).max().orElse(0); }
    public double maxRel() { return checks.stream().mapToDouble(Tolerance.Check::maxRel).filter(d -> !Double.isNaN(d)).max().orElse(0); }
}
