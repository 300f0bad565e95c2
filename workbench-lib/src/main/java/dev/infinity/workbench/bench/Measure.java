package dev.infinity.workbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process-level measurements for benchmarks: peak resident set size and Java heap in use. */
public final class Measure {
    private Measure() {}

    /** Peak resident set size of this process in bytes (VmHWM), or -1 where /proc is unavailable. */
    public static long peakRssBytes() {
        return procStatus("VmHWM:");
    }

    /** Current resident set size in bytes (VmRSS), or -1. */
    public static long rssBytes() {
        return procStatus("VmRSS:");
    }

    private static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Heap in use after a GC, in bytes. */
    public static long heapUsedAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    public static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
