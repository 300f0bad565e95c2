package dev.infinity.workbench.viz;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.io.csv.CsvReadOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A training run's metrics as a Tablesaw table with a {@code step} column and one double column per metric.
 *
 * <p>Two sources: our CSV logs ({@link #readCsv}: every numeric column is kept as a double column; without a
 * {@code step} column the row index is used), and the official Infinity trainer's text log
 * ({@link #readInfinityLog}). The official {@code MetricLogger.log_every} prints, per logged iteration,
 * <pre>
 * [Ep]: [   3/10]:  [ 120/1000]  eta: 0:12:34  tlr: 6e-05  tnm: 0.52 (0.61)  Lm: 5.432 (5.501)  ...  T: 0.512s  dataT: 1.2ms
 * </pre>
 * (optionally after the {@code [mm-dd HH:MM:SS] (file, line N)=>} prefix its patched {@code print} adds); a meter
 * printed as {@code median (global_avg)} gives the column {@code name} (the median over the meter's window) and
 * {@code name_global}. {@code step} is the official global iteration {@code ep * iters_per_epoch + it}.
 */
public final class TrainingLog {
    private static final Pattern INFINITY_LINE = Pattern.compile(
            "\\[Ep]: \\[\\s*(\\d+)/(\\d+)]:\\s+\\[\\s*(\\d+)/(\\d+)]\\s+eta: (.+?)\\s{2}(.*?)\\s*(?<!\\w)T: (\\S+)s\\s+dataT: (\\S+)ms");
    private static final Pattern METER = Pattern.compile("([A-Za-z_][\\w.]*): (\\S+)(?: \\((\\S+)\\))?");

    private final String name;
    private final Table table;

    public TrainingLog(String name, Table table) {
        if (!table.columnNames().contains("step")) throw new IllegalArgumentException("log '" + name + "' has no step column");
        this.name = name;
        this.table = table;
    }

    public String name() { return name; }
    public Table table() { return table; }

    /** The metric columns (everything but step). */
    public List<String> metrics() {
        List<String> out = new ArrayList<>(table.columnNames());
        out.remove("step");
        return out;
    }

    public double[] steps() { return column("step"); }

    public double[] column(String metric) {
        if (!table.columnNames().contains(metric)) {
            throw new IllegalArgumentException("log '" + name + "' has no column '" + metric + "' (columns: " + table.columnNames() + ")");
        }
        return table.numberColumn(metric).asDoubleArray();
    }

    /**
     * Reads a CSV log with a header row; keeps the numeric columns as doubles. A row with the wrong number of
     * fields, or a non-number in a numeric column (one whose first value is a number), is an error naming the
     * file and line.
     */
    public static TrainingLog readCsv(Path file) {
        checkRows(file);
        Table raw;
        try {
            raw = Table.read().csv(CsvReadOptions.builder(file.toFile()).header(true).build());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a readable CSV log: " + e.getMessage(), e);
        }
        Table out = Table.create(fileName(file));
        for (Column<?> c : raw.columns()) {
            if (c instanceof NumericColumn<?> n) out.addColumns(n.asDoubleColumn().setName(c.name()));
        }
        if (out.columnCount() == 0) throw new IllegalArgumentException(file + ": no numeric columns (columns: " + raw.columnNames() + ")");
        if (!out.columnNames().contains("step")) {
            DoubleColumn step = DoubleColumn.create("step", raw.rowCount());
            for (int i = 0; i < raw.rowCount(); i++) step.set(i, i);
            out.insertColumn(0, step);
        }
        return new TrainingLog(fileName(file), out);
    }

    private static void checkRows(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (lines.isEmpty()) throw new IllegalArgumentException(file + ": empty log (no header)");
        int fields = lines.get(0).split(",", -1).length;
        Boolean[] numeric = new Boolean[fields];
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String[] f = lines.get(i).split(",", -1);
            if (f.length != fields) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + " has " + f.length + " fields, the header has " + fields);
            }
            for (int c = 0; c < fields; c++) {
                String v = f[c].trim();
                if (v.isEmpty()) continue;
                boolean isNumber = parses(v);
                if (numeric[c] == null) numeric[c] = isNumber;
                else if (numeric[c] && !isNumber) {
                    throw new IllegalArgumentException(file + ": line " + (i + 1) + ": '" + v + "' in numeric column '" + lines.get(0).split(",", -1)[c] + "'");
                }
            }
        }
    }

    private static boolean parses(String v) {
        try {
            Double.parseDouble(v);
            return true;
        } catch (NumberFormatException e) {
            return v.equalsIgnoreCase("nan") || v.equalsIgnoreCase("inf") || v.equalsIgnoreCase("-inf");
        }
    }

    /** Reads the iteration lines of an official Infinity training log; other lines are ignored. */
    public static TrainingLog readInfinityLog(Path file) {
        try {
            return parseInfinityLog(fileName(file), Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static TrainingLog parseInfinityLog(String name, List<String> lines) {
        List<Map<String, Double>> rows = new ArrayList<>();
        Map<String, Boolean> columns = new LinkedHashMap<>();
        for (String c : new String[] {"step", "epoch", "iter", "iters_per_epoch", "eta_s"}) columns.put(c, true);
        for (int ln = 0; ln < lines.size(); ln++) {
            Matcher m = INFINITY_LINE.matcher(lines.get(ln));
            if (!m.find()) continue;
            Map<String, Double> row = new LinkedHashMap<>();
            double ep = Double.parseDouble(m.group(1)), it = Double.parseDouble(m.group(3)), iters = Double.parseDouble(m.group(4));
            row.put("step", ep * iters + it);
            row.put("epoch", ep);
            row.put("iter", it);
            row.put("iters_per_epoch", iters);
            row.put("eta_s", etaSeconds(m.group(5).trim()));
            Matcher meter = METER.matcher(m.group(6));
            while (meter.find()) {
                row.put(meter.group(1), number(meter.group(2), name, ln));
                if (meter.group(3) != null) row.put(meter.group(1) + "_global", number(meter.group(3), name, ln));
            }
            row.put("iter_time_s", number(m.group(7), name, ln));
            row.put("data_time_ms", number(m.group(8), name, ln));
            row.keySet().forEach(k -> columns.put(k, true));
            rows.add(row);
        }
        if (rows.isEmpty()) throw new IllegalArgumentException(name + ": no '[Ep]: [ep/eps]:  [it/iters]  eta: ...' iteration lines found");
        Table t = Table.create(name);
        for (String c : columns.keySet()) {
            DoubleColumn col = DoubleColumn.create(c);
            for (Map<String, Double> r : rows) {
                Double v = r.get(c);
                if (v == null) col.appendMissing();
                else col.append(v);
            }
            t.addColumns(col);
        }
        return new TrainingLog(name, t);
    }

    /** Python's {@code str(timedelta)}: {@code H:MM:SS} or {@code N day(s), H:MM:SS}. */
    static double etaSeconds(String s) {
        double days = 0;
        int comma = s.indexOf(',');
        if (comma >= 0) {
            days = Double.parseDouble(s.substring(0, comma).replaceAll("[^0-9]", ""));
            s = s.substring(comma + 1).trim();
        }
        String[] hms = s.split(":");
        if (hms.length != 3) return Double.NaN;
        return days * 86400 + Double.parseDouble(hms[0]) * 3600 + Double.parseDouble(hms[1]) * 60 + Double.parseDouble(hms[2]);
    }

    private static double number(String s, String name, int line) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " line " + (line + 1) + ": '" + s + "' is not a number");
        }
    }

    /**
     * Exponential moving average as TensorBoard smooths: {@code s_t = w s_(t-1) + (1 - w) x_t}, debiased by
     * {@code 1 - w^t}, so early values are not pulled towards 0; missing (NaN) values are skipped and stay NaN.
     */
    public static double[] ema(double[] values, double weight) {
        if (!(weight >= 0 && weight < 1)) throw new IllegalArgumentException("EMA weight must be in [0, 1), got " + weight);
        double[] out = new double[values.length];
        double acc = 0;
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                out[i] = Double.NaN;
                continue;
            }
            acc = weight * acc + (1 - weight) * values[i];
            n++;
            out[i] = acc / (1 - Math.pow(weight, n));
        }
        return out;
    }

    /** This log with an added column {@code <metric>_ema}. */
    public TrainingLog withEma(String metric, double weight) {
        Table copy = table.copy();
        copy.addColumns(DoubleColumn.create(metric + "_ema", ema(column(metric), weight)));
        return new TrainingLog(name, copy);
    }

    /** Several runs' {@code metric} in long format (run, step, value): one table to plot or group by run. */
    public static Table overlay(List<TrainingLog> runs, String metric) {
        StringColumn run = StringColumn.create("run");
        DoubleColumn step = DoubleColumn.create("step"), value = DoubleColumn.create(metric);
        for (TrainingLog log : runs) {
            double[] s = log.steps(), v = log.column(metric);
            for (int i = 0; i < s.length; i++) {
                run.append(log.name());
                step.append(s[i]);
                value.append(v[i]);
            }
        }
        return Table.create(metric, run, step, value);
    }

    private static String fileName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
