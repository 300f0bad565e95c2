package dev.infinity.workbench.cli;

import dev.infinity.workbench.scaling.Bootstrap;
import dev.infinity.workbench.scaling.PowerLawFit;
import dev.infinity.workbench.viz.Charts;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

import java.nio.file.Path;
import java.util.Locale;

/** {@code ./workbench scaling FILE.csv --x COL --y COL}: power-law fit with intervals, optional log-log PNG. */
final class ScalingCommand implements Command {
    @Override public String name() { return "scaling"; }

    @Override
    public String summary() {
        return "fit L = a N^-b (+ c with --offset) to two CSV columns: FILE.csv --x params --y loss [--bootstrap 1000] [--seed 0]"
                + " [--level 0.95] [--predict N] [--png plot.png]";
    }

    @Override
    public int run(Args args) {
        Path file = Path.of(args.positional(0, "CSV file"));
        String xName = args.get("x", "params"), yName = args.get("y", "loss"), png = args.get("png", null), predict = args.get("predict", null);
        boolean offset = args.flag("offset");
        int resamples = args.getInt("bootstrap", 1000);
        long seed = args.getInt("seed", 0);
        double level = args.getDouble("level", 0.95);
        args.rejectUnknown();
        Table t = Table.read().csv(CsvReadOptions.builder(file.toFile()).header(true).build());
        for (String c : new String[] {xName, yName}) {
            if (!t.columnNames().contains(c)) throw new IllegalArgumentException(file + ": no column '" + c + "' (columns: " + t.columnNames() + ")");
        }
        double[] x = t.numberColumn(xName).asDoubleArray(), y = t.numberColumn(yName).asDoubleArray();
        PowerLawFit fit = offset ? PowerLawFit.withOffset(x, y) : PowerLawFit.logLinear(x, y);
        Bootstrap boot = Bootstrap.of(x, y, offset ? PowerLawFit::withOffset : PowerLawFit::logLinear, resamples, seed);
        double[] ci = boot.exponentInterval(level);
        System.out.printf(Locale.ROOT, "%s   (%d points, R^2 %.5f in log space, Pearson r(log N, log L) %.5f)%n", fit.law(), fit.points(), fit.r2(), fit.pearsonLog());
        System.out.printf(Locale.ROOT, "exponent b = %.4f, %.0f%% bootstrap interval [%.4f, %.4f] (%d resamples, seed %d)%n",
                fit.law().b(), level * 100, ci[0], ci[1], boot.laws().size(), seed);
        if (predict != null) {
            double n = Double.parseDouble(predict);
            double[] band = boot.predictionInterval(n, level);
            System.out.printf(Locale.ROOT, "L(%s) = %.5g, %.0f%% bootstrap interval [%.5g, %.5g]%n", predict, fit.law().predict(n), level * 100, band[0], band[1]);
        }
        if (png != null) {
            double to = predict == null ? 0 : Double.parseDouble(predict);
            Charts.savePng(Charts.scaling(yName + " vs " + xName, xName, x, y, fit, boot, level, to), Path.of(png));
            System.out.println("wrote " + png);
        }
        return 0;
    }
}
