package dev.infinity.workbench.parity;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the read-only {@code ../shared} folder is, seen from the module or the repository root. */
public final class TestPaths {
    private TestPaths() {}

    public static Path shared() {
        for (Path p : new Path[] {Path.of("../../shared"), Path.of("../shared")}) {
            if (Files.isDirectory(p.resolve("golden"))) return p.toAbsolutePath().normalize();
        }
        return Path.of("../../shared").toAbsolutePath().normalize();
    }
}
