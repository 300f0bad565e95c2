package dev.infinity.workbench.parity;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every case under {@code ../shared/golden} through the same harness as {@code ./workbench parity}: a case
 * of an implemented kind must pass; a case of a kind not built yet must say NOT-IMPLEMENTED, never PASS.
 */
class GoldenParityTest {
    static final Path GOLDEN = TestPaths.shared().resolve("golden");

    @TestFactory
    Stream<DynamicTest> everyGoldenCase() {
        assumeTrue(Files.isDirectory(GOLDEN), "no golden folder at " + GOLDEN);
        ParityHarness harness = ParityHarness.withAllRunners();
        return ParityHarness.discover(GOLDEN).stream().map(dir -> DynamicTest.dynamicTest(GOLDEN.relativize(dir).toString(), () -> {
            ParityHarness.Result r = harness.runCase(dir);
            System.out.println(ParityHarness.format(r));
            assumeTrue(r.status() != CaseReport.Status.NOT_IMPLEMENTED, "not implemented yet: " + r.detail());
            assertFalse(ParityHarness.isFailure(r), ParityHarness.format(r));
        }));
    }
}
