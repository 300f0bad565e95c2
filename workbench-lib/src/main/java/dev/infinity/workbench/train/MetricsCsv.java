package dev.infinity.workbench.train;

import dev.infinity.workbench.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv} of a training run: one row per step, appended and flushed at once so a notebook can read
 * the file while training runs. Columns: step, loss (the optimised, weighted loss), loss_mean (unweighted mean
 * per token), bit_acc, token_acc, grad_norm, lr, images_per_s, elapsed_s, val_loss, val_bit_acc, val_token_acc,
 * then per scale s1..sN: loss, bit_acc, token_acc, val_loss, val_bit_acc. Empty cells: not measured at that step
 * (step 0 holds the validation of the untrained model). Accuracies are fractions in [0, 1].
 */
final class MetricsCsv {
    private final Path file;
    private final int scales;

    MetricsCsv(Path file, int scales) {
        this.file = file;
        this.scales = scales;
    }

    String header() {
        StringBuilder h = new StringBuilder("step,loss,loss_mean,bit_acc,token_acc,grad_norm,lr,images_per_s,elapsed_s,val_loss,val_bit_acc,val_token_acc");
        for (String c : new String[] {"loss", "bit_acc", "token_acc", "val_loss", "val_bit_acc"}) {
            for (int i = 1; i <= scales; i++) h.append(',').append(c).append("_s").append(i);
        }
        return h.toString();
    }

    /** Keeps the rows up to {@code step} (later ones are redone after a resume) and returns them. */
    List<InfinityTrainer.StepMetrics> truncateTo(int step) {
        List<InfinityTrainer.StepMetrics> kept = new ArrayList<>();
        StringBuilder out = new StringBuilder(header()).append('\n');
        if (step > 0 && Files.exists(file)) {
            try {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && !lines.get(0).equals(header())) throw new IllegalStateException(file + ": columns differ from this run's (other pixel size?)");
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    if (line.isBlank()) continue;
                    InfinityTrainer.StepMetrics m = parse(line);
                    if (m.step() > step) break;
                    kept.add(m);
                    out.append(line).append('\n');
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(file + ": unreadable metrics (" + e.getMessage() + ")", e);
            }
        }
        AtomicFiles.writeString(file, out.toString());
        return kept;
    }

    void append(InfinityTrainer.StepMetrics m) {
        StringBuilder r = new StringBuilder();
        r.append(m.step()).append(',').append(f(m.loss()));
        BitLoss.Metrics t = m.train(), v = m.val();
        r.append(',').append(t == null ? "" : f(t.loss())).append(',').append(t == null ? "" : f(t.bitAcc())).append(',').append(t == null ? "" : f(t.tokenAcc()));
        r.append(',').append(f(m.gradNorm())).append(',').append(f(m.lr())).append(',').append(f(m.imagesPerSec())).append(',').append(f(m.elapsedSec()));
        r.append(',').append(v == null ? "" : f(v.loss())).append(',').append(v == null ? "" : f(v.bitAcc())).append(',').append(v == null ? "" : f(v.tokenAcc()));
        perScale(r, t == null ? null : t.scaleLoss());
        perScale(r, t == null ? null : t.scaleBitAcc());
        perScale(r, t == null ? null : t.scaleTokenAcc());
        perScale(r, v == null ? null : v.scaleLoss());
        perScale(r, v == null ? null : v.scaleBitAcc());
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            w.write(r.append('\n').toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    private void perScale(StringBuilder r, double[] values) {
        for (int i = 0; i < scales; i++) r.append(',').append(values == null || i >= values.length ? "" : f(values[i]));
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private InfinityTrainer.StepMetrics parse(String line) {
        String[] c = line.split(",", -1);
        double[] x = new double[c.length];
        for (int i = 0; i < c.length; i++) x[i] = c[i].isEmpty() ? Double.NaN : Double.parseDouble(c[i]);
        int base = 12;
        BitLoss.Metrics train = Double.isNaN(x[2]) ? null : new BitLoss.Metrics(x[2], x[3], x[4], slice(x, base, 0), slice(x, base, 1), slice(x, base, 2));
        BitLoss.Metrics val = Double.isNaN(x[9]) ? null : new BitLoss.Metrics(x[9], x[10], x[11], slice(x, base, 3), slice(x, base, 4), new double[0]);
        return new InfinityTrainer.StepMetrics((int) x[0], x[1], train, x[5], x[6], x[7], x[8], val);
    }

    private double[] slice(double[] x, int base, int block) {
        double[] out = new double[scales];
        System.arraycopy(x, base + block * scales, out, 0, scales);
        return out;
    }
}
