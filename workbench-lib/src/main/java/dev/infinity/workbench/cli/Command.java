package dev.infinity.workbench.cli;

/** One {@code ./workbench} subcommand. */
public interface Command {
    String name();

    /** One line for {@code ./workbench help}. */
    String summary();

    /** Runs with the arguments after the subcommand name; returns the process exit code. */
    int run(Args args) throws Exception;
}
