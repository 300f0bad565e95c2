package dev.infinity.workbench.cli;

import dev.infinity.workbench.bench.Benchmark;
import dev.infinity.workbench.bench.IoBenchmark;
import dev.infinity.workbench.bench.TextBench;
import dev.infinity.workbench.bench.EvalBench;
import dev.infinity.workbench.bench.TokenizerBench;
import dev.infinity.workbench.bench.QuantizerBench;
import dev.infinity.workbench.bench.TrainBench;
import dev.infinity.workbench.bench.GenerateBench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ./workbench bench NAME}: the benchmarks (speed and memory are measured here, never asserted in tests). */
final class BenchCommand implements Command {
    /** The benchmarks, one line each. */
    static List<Benchmark> benchmarks() {
        return List.of(
                new IoBenchmark(),
                new TextBench(),
                new EvalBench(),
                new TokenizerBench(),
                new QuantizerBench(),
                new TrainBench(),
                new GenerateBench());
    }
    @Override public String name() { return "bench"; }
    @Override public String summary() { return "benchmarks: " + String.join(", ", byName().keySet()) + " (./workbench bench NAME)"; }

    private static Map<String, Benchmark> byName() {
        Map<String, Benchmark> m = new LinkedHashMap<>();
        for (Benchmark b : benchmarks()) m.put(b.name(), b);
        return m;
    }

    @Override
    public int run(Args args) throws Exception {
        if (args.positional().isEmpty()) {
            byName().values().forEach(b -> System.out.printf("  bench %-10s %s%n", b.name(), b.summary()));
            return 0;
        }
        Benchmark b = byName().get(args.positional().get(0));
        if (b == null) throw new Args.UsageException("unknown benchmark '" + args.positional().get(0) + "'; known: " + byName().keySet());
        b.run(args);
        return 0;
    }
}
