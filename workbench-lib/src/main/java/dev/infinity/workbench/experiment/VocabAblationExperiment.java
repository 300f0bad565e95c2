package dev.infinity.workbench.experiment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.eval.TokenizerTable;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.ImagePreprocessor;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.tokenizer.Tokenizer;
import dev.infinity.workbench.tokenizer.TokenizerTrainer;
import dev.infinity.workbench.tokenizer.TrainingImages;
import dev.infinity.workbench.tokenizer.VaeConfig;
import dev.infinity.workbench.viz.Charts;
import dev.infinity.workbench.viz.TrainingLog;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Vocabulary ablation (the paper's Table on tokenizer d): tokenizers with d = 16, 24, 32, 64 bits per token,
 * same architecture, data and steps, compared by held-out PSNR / SSIM ({@code vocab_ablation.csv},
 * {@code psnr_vs_d.png}, {@code training_loss.png}).
 */
public final class VocabAblationExperiment implements Experiment {
    @Override public String kind() { return "vocab-ablation"; }

    @Override
    public void run(ExperimentContext ctx) throws Exception {
        ExperimentSpec spec = ctx.spec();
        Path images = ctx.repoRoot().resolve(spec.getString("images", "data/infinity_toy_data/images"));
        int size = spec.getInt("image_size", 64);
        int[] dims = spec.getInts("dims", 16, 24, 32, 64);
        for (int d : dims) {
            ctx.part("tokenizer-d" + d, () -> {
                VaeConfig config = VaeConfig.builder().baseChannels(spec.getInt("base_channels", 32)).chMult(spec.getInts("ch_mult", 1, 2, 2, 2))
                        .numResBlocks(spec.getInt("res_blocks", 1)).patchSize(spec.getInt("patch", 8)).codebookDim(d).build();
                TokenizerTrainer.Options o = new TokenizerTrainer.Options().steps(spec.getInt("steps", 300)).batchSize(spec.getInt("batch", 8))
                        .imageSize(size).lr(spec.getDouble("lr", 1e-3)).minLr(spec.getDouble("lr", 1e-3) * 0.1).warmupSteps(spec.getInt("warmup", 20))
                        .checkpointEvery(spec.getInt("checkpoint_every", 100)).evalEvery(spec.getInt("eval_every", 50));
                try (BsqVae vae = new TokenizerTrainer(config, o, ctx.outDir().resolve("d" + d)).train(TrainingImages.folder(images))) {
                    return null;
                }
            });
        }
        // the same small generator on each tokenizer: validation loss and bit accuracy per d
        Path data = ctx.repoRoot().resolve(spec.getString("data", "data/infinity_toy_data"));
        int genSteps = spec.getInt("gen_steps", 200), genBatch = spec.getInt("gen_batch", 8);
        for (int d : dims) {
            ctx.part("generator-d" + d, () -> {
                Path dir = ctx.outDir().resolve("d" + d), out = ctx.outDir().resolve("generators").resolve("d" + d);
                try (BsqVae tok = dev.infinity.workbench.tokenizer.VaeLoader.load(dir.resolve("tokenizer.safetensors"), TokenizerTrainer.savedConfig(dir))) {
                    GeneratorRun r = GeneratorRun.train(spec, tok, data, spec.getInt("gen_width", 64), spec.getInt("gen_depth", 2), genSteps, genBatch, size, out);
                    AtomicFiles.writeString(out.resolve("summary.csv"), String.format(java.util.Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f,%.1f%n",
                            d, r.parameters(), r.last().val().loss(), r.last().val().bitAcc(), r.last().val().tokenAcc(), r.seconds()));
                }
                return null;
            });
        }
        ctx.part("generator-table", () -> {
            StringBuilder csv = new StringBuilder("d,generator_params,val_loss,val_bit_acc,val_token_acc,wall_s\n");
            for (int d : dims) csv.append(Files.readString(ctx.outDir().resolve("generators").resolve("d" + d).resolve("summary.csv")));
            AtomicFiles.writeString(ctx.outDir().resolve("vocab_ablation_generators.csv"), csv.toString());
            System.out.print(csv);
            return null;
        });
        ctx.part("table", () -> {
            List<BufferedImage> heldOut = heldOut(images, spec.getInt("eval_images", 32), size);
            TokenizerTable table = TokenizerTable.builder(heldOut).batchSize(8);
            List<BsqVae> open = new ArrayList<>();
            try {
                for (int d : dims) {
                    Path dir = ctx.outDir().resolve("d" + d);
                    BsqVae vae = dev.infinity.workbench.tokenizer.VaeLoader.load(dir.resolve("tokenizer.safetensors"), TokenizerTrainer.savedConfig(dir));
                    open.add(vae);
                    int latent = size / vae.config().patchSize();
                    ScaleSchedule schedule = Tokenizer.of(vae).scheduleFor(latent, latent);
                    table.add("d" + d, d, batch -> reconstruct(vae, schedule, batch, size));
                }
                Table t = table.build();
                TokenizerTable.writeCsv(t, ctx.outDir().resolve("vocab_ablation.csv"));
                System.out.println(t.printAll());
                XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT).title("Tokenizer d vs held-out PSNR")
                        .xAxisTitle("d (bits per token)").yAxisTitle("PSNR (dB)").build();
                chart.addSeries("PSNR", t.intColumn("d").asDoubleArray(), t.doubleColumn("psnr").asDoubleArray());
                Charts.savePng(chart, ctx.outDir().resolve("psnr_vs_d.png"));
                List<TrainingLog> logs = new ArrayList<>();
                for (int d : dims) {
                    TrainingLog log = TrainingLog.readCsv(ctx.outDir().resolve("d" + d).resolve("metrics.csv"));
                    logs.add(new TrainingLog("d" + d, log.table()));
                }
                Charts.savePng(Charts.trainingCurves("Tokenizer training loss", logs, "loss", 0.9), ctx.outDir().resolve("training_loss.png"));
            } finally {
                open.forEach(BsqVae::close);
            }
            return null;
        });
    }

    /** The same held-out images TrainingImages.folder keeps back (the last files), at the training size. */
    private static List<BufferedImage> heldOut(Path dir, int count, int size) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        List<BufferedImage> out = new ArrayList<>();
        for (Path f : files.subList(Math.max(0, files.size() - count), files.size())) {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) throw new UncheckedIOException(new IOException(f + ": not a readable image"));
            out.add(ImagePreprocessor.toImage(ImagePreprocessor.toTensor(img, size, size), size, size));
        }
        return out;
    }

    private static List<BufferedImage> reconstruct(BsqVae vae, ScaleSchedule schedule, List<BufferedImage> batch, int size) {
        int per = 3 * size * size;
        float[] px = new float[batch.size() * per];
        for (int i = 0; i < batch.size(); i++) System.arraycopy(ImagePreprocessor.toTensor(batch.get(i), size, size), 0, px, i * per, per);
        try (NDManager scope = vae.manager().newSubManager()) {
            NDArray x = scope.create(px, new Shape(batch.size(), 3, size, size));
            return Tokenizer.toImages(vae.decode(vae.encode(x, schedule).quantized()));
        }
    }
}
