package dev.infinity.workbench.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Entry point of {@code ./workbench}: dispatches to the subcommands. */
public final class Main {
    private Main() {}

    /** The subcommands, in the order {@code help} lists them. */
    static List<Command> commands() {
        return List.of(
                new InspectCommand(),
                new ParityCommand(),
                new ScheduleCommand(),
                new ExperimentCommand(),
                new BenchCommand(),
                new DataCommand(),
                new GenerateCommand(),
                new EvalCommand(),
                new ScalingCommand(),
                new CurvesCommand(),
                new TrainCommand());
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    public static int run(String[] argv) {
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command c : commands()) byName.put(c.name(), c);
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
            System.out.println("usage: ./workbench <command> [options]\n\ncommands:");
            System.out.printf("  %-12s %s%n", "help", "list the commands");
            byName.values().forEach(c -> System.out.printf("  %-12s %s%n", c.name(), c.summary()));
            return 0;
        }
        Command c = byName.get(argv[0]);
        if (c == null) {
            System.err.println("unknown command '" + argv[0] + "'; ./workbench help lists them");
            return 2;
        }
        try {
            return c.run(new Args(Arrays.asList(argv).subList(1, argv.length), Set.of("json", "strict", "help", "centred-singles")));
        } catch (Args.UsageException e) {
            System.err.println(c.name() + ": " + e.getMessage());
            return 2;
        } catch (Exception | OutOfMemoryError e) {
            System.err.println(c.name() + ": " + e.getMessage());
            if (System.getenv("WORKBENCH_DEBUG") != null) e.printStackTrace();
            return 1;
        }
    }
}
