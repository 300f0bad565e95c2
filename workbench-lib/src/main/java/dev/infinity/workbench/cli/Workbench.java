package dev.infinity.workbench.cli;

import java.nio.file.Path;

/** Locations the launcher passes in. */
public final class Workbench {
    private Workbench() {}

    /** The repository root ({@code -Dworkbench.home}, set by {@code ./workbench}); the working directory otherwise. */
    public static Path home() {
        String h = System.getProperty("workbench.home");
        return Path.of(h == null ? "." : h).toAbsolutePath().normalize();
    }
}
