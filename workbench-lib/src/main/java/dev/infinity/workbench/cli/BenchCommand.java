package dev.infinity.workbench.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ./workbench bench NAME [options]}: speed benchmarks, one per component. */
final class BenchCommand implements Command {
    /** The benchmarks, by name (add ONE line per benchmark). */
    static List<Command> benchmarks() {
        return List.of(
                new TextBench(),
                new GenerateBench(),
                new TokenizerBench());
    }

    @Override public String name() { return "bench"; }

    @Override
    public String summary() {
        return "speed benchmarks: " + String.join(", ", byName().keySet()) + " (./workbench bench NAME --help)";
    }

    private static Map<String, Command> byName() {
        Map<String, Command> m = new LinkedHashMap<>();
        for (Command c : benchmarks()) m.put(c.name(), c);
        return m;
    }

    @Override
    public int run(Args args) throws Exception {
        Map<String, Command> all = byName();
        String name = args.positional(0, "benchmark name (" + String.join(", ", all.keySet()) + ")");
        Command c = all.get(name);
        if (c == null) throw new Args.UsageException("unknown benchmark '" + name + "'; benchmarks: " + String.join(", ", all.keySet()));
        if (args.flag("help")) {
            System.out.println(c.name() + ": " + c.summary());
            return 0;
        }
        return c.run(args);
    }
}
