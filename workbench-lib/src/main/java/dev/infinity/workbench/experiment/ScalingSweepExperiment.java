package dev.infinity.workbench.experiment;

import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.scaling.PowerLawFit;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.train.TrainSetup;
import dev.infinity.workbench.viz.Charts;
import dev.infinity.workbench.viz.TrainingLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Generator scaling sweep (the paper's Fig. on model size): transformers of increasing width/depth trained with
 * the same token budget (steps x batch x tokens) on the toy data, with a frozen tokenizer (default the bundled toy
 * one) and the same small {@code ToyTextEncoder} trained jointly in every run (N counts the transformer only). Writes {@code runs.csv} (parameters, final validation loss and
 * bit accuracy, training FLOPs, wall time), the fit L = a N^-b ({@code fit.csv}, {@code scaling.png}) and the
 * training curves ({@code val_loss.png}).
 */
public final class ScalingSweepExperiment implements Experiment {
    @Override public String kind() { return "scaling-sweep"; }

    @Override
    public void run(ExperimentContext ctx) throws Exception {
        ExperimentSpec spec = ctx.spec();
        Path data = ctx.repoRoot().resolve(spec.getString("data", "data/infinity_toy_data"));
        Path tokenizer = ctx.repoRoot().resolve(spec.getString("tokenizer", "models/toy"));
        int[] widths = spec.getInts("widths", 32, 48, 64, 96, 128);
        int[] depths = spec.getInts("depths", 2, 2, 3, 3, 4);
        if (widths.length != depths.length) throw new IllegalArgumentException(ctx.spec().name() + ": 'widths' and 'depths' must have the same length");
        int steps = spec.getInt("steps", 200), batch = spec.getInt("batch", 8), pixel = spec.getInt("image_size", 64);
        Path runs = ctx.outDir().resolve("runs");
        for (int i = 0; i < widths.length; i++) {
            int w = widths[i], depth = depths[i];
            String name = "w" + w + "-d" + depth;
            ctx.part(name, () -> {
                try (BsqVae tok = TrainSetup.tokenizer(tokenizer)) {
                    GeneratorRun r = GeneratorRun.train(spec, tok, data, w, depth, steps, batch, pixel, runs.resolve(name));
                    double flops = 3 * r.config().forwardFlops(r.schedule().tokens(), r.schedule().tokens(), 16, batch) * steps;   // forward + backward ≈ 3 x forward
                    String row = String.format(Locale.ROOT, "%s,%d,%d,%d,%.6f,%.6f,%.4g,%.1f,%d%n", name, w, depth, r.parameters(),
                            r.last().val().loss(), r.last().val().bitAcc(), flops, r.seconds(), (long) steps * batch * r.schedule().tokens());
                    AtomicFiles.writeString(runs.resolve(name).resolve("summary.csv"), row);
                }
                return null;
            });
        }
        ctx.part("fit", () -> {
            StringBuilder csv = new StringBuilder("run,width,depth,params,val_loss,val_bit_acc,train_flops,wall_s,tokens\n");
            List<double[]> points = new ArrayList<>();
            List<TrainingLog> logs = new ArrayList<>();
            for (int i = 0; i < widths.length; i++) {
                String name = "w" + widths[i] + "-d" + depths[i];
                String row = Files.readString(runs.resolve(name).resolve("summary.csv"));
                csv.append(row);
                String[] f = row.trim().split(",");
                points.add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])});
                TrainingLog log = TrainingLog.readCsv(runs.resolve(name).resolve("metrics.csv"));
                logs.add(new TrainingLog(name, log.table().dropWhere(log.table().doubleColumn("val_loss").isMissing())));
            }
            AtomicFiles.writeString(ctx.outDir().resolve("runs.csv"), csv.toString());
            double[] n = points.stream().mapToDouble(p -> p[0]).toArray(), loss = points.stream().mapToDouble(p -> p[1]).toArray();
            PowerLawFit fit = PowerLawFit.logLinear(n, loss);
            AtomicFiles.writeString(ctx.outDir().resolve("fit.csv"), String.format(Locale.ROOT, "a,b,r2,pearson_r_log,points%n%.6g,%.6g,%.4f,%.4f,%d%n",
                    fit.law().a(), fit.law().b(), fit.r2(), fit.pearsonLog(), fit.points()));
            System.out.printf(Locale.ROOT, "val loss = %.4g * N^-%.4f (R^2 %.3f, Pearson r in log space %.4f, %d sizes)%n",
                    fit.law().a(), fit.law().b(), fit.r2(), fit.pearsonLog(), fit.points());
            Charts.savePng(Charts.scaling("Generator scaling (fixed token budget)", "parameters N", n, loss, fit, null, 0.9, n[n.length - 1] * 4),
                    ctx.outDir().resolve("scaling.png"));
            Charts.savePng(Charts.trainingCurves("Validation loss", logs, "val_loss", 0), ctx.outDir().resolve("val_loss.png"));
            return null;
        });
    }
}
