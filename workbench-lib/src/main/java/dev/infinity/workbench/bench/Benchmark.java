package dev.infinity.workbench.bench;

import dev.infinity.workbench.cli.Args;

/** One {@code ./workbench bench NAME}: measures and prints, never asserts. */
public interface Benchmark {
    String name();

    String summary();

    void run(Args args) throws Exception;
}
