package dev.infinity.workbench.cli;

import dev.infinity.workbench.viz.Charts;
import dev.infinity.workbench.viz.TrainingLog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code ./workbench curves LOG... --metric M --png OUT}: training curves of several runs (CSV or official text logs). */
final class CurvesCommand implements Command {
    @Override public String name() { return "curves"; }

    @Override
    public String summary() {
        return "plot one metric of several training logs (*.csv, or official Infinity text logs): LOG... --metric Lm [--ema 0.9] --png curves.png";
    }

    @Override
    public int run(Args args) {
        if (args.positional().isEmpty()) throw new Args.UsageException("missing argument: at least one log file");
        String metric = args.get("metric", "loss"), png = args.get("png", "curves.png");
        double ema = args.getDouble("ema", 0.0);
        args.rejectUnknown();
        List<TrainingLog> logs = new ArrayList<>();
        for (String f : args.positional()) {
            Path p = Path.of(f);
            logs.add(f.toLowerCase(Locale.ROOT).endsWith(".csv") ? TrainingLog.readCsv(p) : TrainingLog.readInfinityLog(p));
        }
        for (TrainingLog l : logs) {
            double[] v = l.column(metric), s = l.steps();
            System.out.printf(Locale.ROOT, "%-24s %5d rows, steps %.0f..%.0f, last %s = %.5g%n", l.name(), v.length, s[0], s[s.length - 1], metric, v[v.length - 1]);
        }
        Charts.savePng(Charts.trainingCurves(metric, logs, metric, ema), Path.of(png));
        System.out.println("wrote " + png);
        return 0;
    }
}
