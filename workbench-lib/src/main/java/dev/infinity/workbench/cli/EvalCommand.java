package dev.infinity.workbench.cli;

import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.data.ImagePreprocess;
import dev.infinity.workbench.data.T2IDataset;
import dev.infinity.workbench.data.toy.ToyPrompt;
import dev.infinity.workbench.data.toy.ToyShape;
import dev.infinity.workbench.eval.FeatureStatistics;
import dev.infinity.workbench.eval.FrechetDistance;
import dev.infinity.workbench.eval.GenEvalCeiling;
import dev.infinity.workbench.eval.GenEvalScorer;
import dev.infinity.workbench.eval.ImageMetrics;
import dev.infinity.workbench.eval.InceptionV3Fid;
import dev.infinity.workbench.eval.Rfid;
import dev.infinity.workbench.eval.ShapeFidelity;
import dev.infinity.workbench.eval.TokenizerTable;
import dev.infinity.workbench.model.ToyModel;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.Tokenizer;
import dev.infinity.workbench.train.TrainSetup;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * {@code ./workbench eval recon|fid|geneval ...}: reconstruction metrics between two image folders, FID between
 * image folders or saved statistics, GenEval-style scoring of generated toy images.
 */
final class EvalCommand implements Command {
    @Override public String name() { return "eval"; }

    @Override
    public String summary() {
        return "recon REF_DIR REC_DIR [--inception FILE] [--ssim luminance] [--csv OUT] | fid A B --inception FILE [--save-stats DIR]"
                + " (A, B: image folders or mu.npy/sigma.npy folders) | geneval PROMPTS.jsonl IMAGES_DIR [--csv OUT]"
                + " | geneval PROMPTS.jsonl --real SPLITS_DIR [--tokenizer DIR | --model DIR] [--size 64] [--h-div-w 1.0] [--csv OUT]: the data"
                + " set's own images as the generated ones (after a tokenizer round trip: a generator's ceiling; --model: teacher-forced predictions,"
                + " [--true-scales K]: the first K scales' bits from the tokenizer, [--shape-shift N]: every shape word of the prompt replaced by the"
                + " N-th next shape, scored against the true prompt)"
                + " | val META_DIR [--model models/toy] [--noise 0] [--batches 4] [--batch 8] [--seed 0] [--csv OUT]: loss and accuracies per scale"
                + " | tokenizer TOKENIZER_DIR IMAGES_DIR [--n 200] [--size 64]: round-trip PSNR and toy-shape fidelity";
    }

    @Override
    public int run(Args args) throws IOException {
        String what = args.positional(0, "what to evaluate (recon, fid, geneval)");
        return switch (what) {
            case "recon" -> recon(args);
            case "fid" -> fid(args);
            case "geneval" -> geneval(args);
            case "val" -> validation(args);
            case "tokenizer" -> tokenizer(args);
            default -> throw new Args.UsageException("unknown evaluation '" + what + "' (recon, fid, geneval, val, tokenizer)");
        };
    }

    private int recon(Args args) throws IOException {
        Path ref = Path.of(args.positional(1, "reference image folder")), rec = Path.of(args.positional(2, "reconstruction folder"));
        String inception = args.get("inception", null), csv = args.get("csv", null);
        ImageMetrics.SsimMode mode = "luminance".equals(args.get("ssim", "per-channel")) ? ImageMetrics.SsimMode.LUMINANCE : ImageMetrics.SsimMode.PER_CHANNEL;
        args.rejectUnknown();
        List<Path> files = images(ref);
        List<BufferedImage> a = new ArrayList<>(), b = new ArrayList<>();
        for (Path f : files) {
            Path other = rec.resolve(f.getFileName().toString());
            if (!Files.isRegularFile(other)) throw new IllegalArgumentException(other + ": no reconstruction for " + f);
            a.add(read(f));
            b.add(read(other));
        }
        ImageMetrics.SetResult r = new ImageMetrics(mode).compareImages(a, b);
        System.out.printf(Locale.ROOT, "%d images: PSNR %.3f dB (capped at %.0f; uncapped mean %.3f), SSIM (%s) %.5f%n", files.size(),
                r.meanPsnrCapped(), ImageMetrics.PSNR_CAP_DB, r.meanPsnr(), mode.name().toLowerCase(Locale.ROOT), r.meanSsim());
        if (inception != null) System.out.printf(Locale.ROOT, "rFID %.4f%n", Rfid.compute(a, b, Path.of(inception)));
        if (csv != null) {
            Table t = Table.create("recon", tech.tablesaw.api.StringColumn.create("file", files.stream().map(p -> p.getFileName().toString()).toList()),
                    tech.tablesaw.api.DoubleColumn.create("psnr", r.psnr()), tech.tablesaw.api.DoubleColumn.create("ssim", r.ssim()));
            TokenizerTable.writeCsv(t, Path.of(csv));
        }
        return 0;
    }

    /** Reconstructs the first n images (resized and centre-cropped to size x size) and compares them with the originals. */
    private int tokenizer(Args args) throws IOException {
        Path tok = Path.of(args.positional(1, "tokenizer folder (tokenizer.safetensors + tokenizer.json)"));
        Path dir = Path.of(args.positional(2, "image folder"));
        int n = args.getInt("n", 200), size = args.getInt("size", 64);
        args.rejectUnknown();
        List<Path> files = images(dir);
        List<BufferedImage> a = new ArrayList<>(), b = new ArrayList<>();
        try (BsqVae vae = TrainSetup.tokenizer(tok)) {
            UnaryOperator<BufferedImage> roundTrip = Tokenizer.of(vae)::reconstructAtOwnSize;   // at this size, not the generation template's
            for (Path f : files.subList(0, Math.min(n, files.size()))) {
                BufferedImage img = ImagePreprocess.resizeCrop(read(f), size, size);
                a.add(img);
                b.add(roundTrip.apply(img));
            }
        }
        ImageMetrics.SetResult r = new ImageMetrics(ImageMetrics.SsimMode.PER_CHANNEL).compareImages(a, b);
        ShapeFidelity.Result s = new ShapeFidelity().compare(a, b);
        System.out.printf(Locale.ROOT, "%d images at %dx%d: PSNR %.2f dB; toy detector: same objects in %d images (%.3f), %d of %d objects kept (%.3f)%n",
                a.size(), size, size, r.meanPsnr(), s.imagesAgreeing(), s.imageAgreement(), s.objectsKept(), s.objects(), s.objectRecall());
        return 0;
    }

    private int fid(Args args) throws IOException {
        Path a = Path.of(args.positional(1, "first image folder or statistics folder")), b = Path.of(args.positional(2, "second folder"));
        String inception = args.get("inception", null), save = args.get("save-stats", null);
        args.rejectUnknown();
        try (NDManager m = NDManager.newBaseManager()) {
            InceptionV3Fid net = null;
            if (!isStats(a) || !isStats(b)) net = InceptionV3Fid.load(m, inception == null ? null : Path.of(inception));
            FeatureStatistics sa = statistics(a, net), sb = statistics(b, net);
            if (save != null) {
                sa.save(Path.of(save).resolve("a"));
                sb.save(Path.of(save).resolve("b"));
            }
            System.out.printf(Locale.ROOT, "FID %.4f%n", FrechetDistance.of(sa, sb));
        }
        return 0;
    }

    private int geneval(Args args) throws IOException {
        List<ToyPrompt> prompts = ToyPrompt.readAll(Path.of(args.positional(1, "prompts jsonl")));
        String csv = args.get("csv", null), real = args.get("real", null);
        Table t = real != null ? genevalCeiling(args, prompts, Path.of(real)) : genevalGenerated(args, prompts);
        System.out.println(t.print());
        if (csv != null) TokenizerTable.writeCsv(t, Path.of(csv));
        return 0;
    }

    private Table genevalGenerated(Args args, List<ToyPrompt> prompts) throws IOException {
        Path dir = Path.of(args.positional(2, "generated images folder"));
        args.rejectUnknown();
        List<List<BufferedImage>> images = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            String idx = String.format(Locale.ROOT, "%05d", i);
            Path samples = dir.resolve(idx).resolve("samples"), single = dir.resolve(idx + ".png");
            List<BufferedImage> group = new ArrayList<>();
            if (Files.isDirectory(samples)) for (Path f : images(samples)) group.add(read(f));
            else if (Files.isRegularFile(single)) group.add(read(single));
            else throw new IllegalArgumentException("no images for prompt " + i + " ('" + prompts.get(i).prompt() + "'): expected "
                    + samples + "/*.png (GenEval layout) or " + single);
            images.add(group);
        }
        return GenEvalScorer.table(new GenEvalScorer().scoreAll(prompts, images));
    }

    /**
     * The data set's own images for each prompt (short caption = prompt), as they are, round-tripped through a tokenizer
     * ({@code --tokenizer}) or as a toy model predicts them teacher-forced ({@code --model}).
     */
    private Table genevalCeiling(Args args, List<ToyPrompt> prompts, Path splits) throws IOException {
        String tok = args.get("tokenizer", null), model = args.get("model", null);
        int size = args.getInt("size", 64);
        double hDivW = args.getDouble("h-div-w", 1.0);
        int trueScales = args.getInt("true-scales", 0), shapeShift = args.getInt("shape-shift", 0);
        args.rejectUnknown();
        if ((trueScales != 0 || shapeShift != 0) && model == null) throw new Args.UsageException("--true-scales and --shape-shift need --model");
        if (tok != null && model != null) throw new Args.UsageException("--tokenizer and --model exclude each other (a model brings its tokenizer)");
        List<List<Path>> files = GenEvalCeiling.captionedImages(prompts, T2IDataset.builder(splits).build(), hDivW);
        long matched = files.stream().filter(l -> !l.isEmpty()).count(), count = files.stream().mapToLong(List::size).sum();
        System.out.printf(Locale.ROOT, "%d of %d prompts are the short caption of %d images (h/w %s) in %s%n", matched, prompts.size(), count, hDivW, splits);
        List<GenEvalScorer.Outcome> outcomes;
        String how;
        if (model != null) {
            try (ToyModel toy = ToyModel.load(Path.of(model))) {
                size = toy.pixelSize();
                how = " as " + model + " predicts them teacher-forced" + (trueScales > 0 ? " (first " + trueScales + " scales true)" : "")
                        + (shapeShift != 0 ? " from prompts with shape words shifted by " + shapeShift : "");
                outcomes = GenEvalCeiling.score(prompts, files, size, (prompt, img) -> toy.teacherForced(ToyShape.shiftShapeWords(prompt, shapeShift), img, trueScales));
            }
        } else if (tok != null) {
            try (BsqVae vae = TrainSetup.tokenizer(Path.of(tok))) {
                UnaryOperator<BufferedImage> roundTrip = Tokenizer.of(vae)::reconstructAtOwnSize;   // at this size, not the generation template's
                how = " through the tokenizer " + tok;
                outcomes = GenEvalCeiling.score(prompts, files, size, (prompt, img) -> roundTrip.apply(img));
            }
        } else {
            how = "";
            outcomes = GenEvalCeiling.score(prompts, files, size, (prompt, img) -> img);
        }
        Table t = GenEvalScorer.table(outcomes);
        t.setName("images of " + splits + " at " + size + "x" + size + how);
        return t;
    }

    /** Validation loss / bit and token accuracy per scale of a toy model bundle on a split, with BSC noise on the inputs. */
    private int validation(Args args) {
        Path meta = Path.of(args.positional(1, "split folder (official layout)"));
        Path model = args.get("model", null) == null ? ToyModel.bundledPath() : Path.of(args.get("model", null));
        double noise = args.getDouble("noise", 0);
        int batches = args.getInt("batches", 4), batch = args.getInt("batch", 8), seed = args.getInt("seed", 0);
        String csv = args.get("csv", null);
        args.rejectUnknown();
        try (var toy = ToyModel.load(model)) {
            var cfg = dev.infinity.workbench.train.TrainConfig.builder().batchSize(batch).pixelSize(toy.pixelSize()).build();
            try (var trainer = new dev.infinity.workbench.train.InfinityTrainer(toy.transformer(), toy.textEncoder(), toy.tokenizer(), cfg)) {
                var m = trainer.evaluate(meta, batches, noise, seed);
                tech.tablesaw.api.StringColumn scale = tech.tablesaw.api.StringColumn.create("scale");
                tech.tablesaw.api.DoubleColumn loss = tech.tablesaw.api.DoubleColumn.create("loss"), bits = tech.tablesaw.api.DoubleColumn.create("bit_acc"),
                        tokens = tech.tablesaw.api.DoubleColumn.create("token_acc");
                for (int i = 0; i < m.scaleLoss().length; i++) {
                    var sc = toy.schedule().get(i);
                    scale.append((i + 1) + " (" + sc + ")");
                    loss.append(m.scaleLoss()[i]);
                    bits.append(m.scaleBitAcc()[i]);
                    tokens.append(m.scaleTokenAcc()[i]);
                }
                scale.append("all");
                loss.append(m.loss());
                bits.append(m.bitAcc());
                tokens.append(m.tokenAcc());
                Table t = Table.create("validation of " + model + " on " + meta + " (BSC noise " + noise + ")", scale, loss, bits, tokens);
                System.out.println(t.printAll());
                if (csv != null) TokenizerTable.writeCsv(t, Path.of(csv));
            }
        }
        return 0;
    }

    private static boolean isStats(Path p) { return Files.isRegularFile(p.resolve("mu.npy")); }

    private static FeatureStatistics statistics(Path dir, InceptionV3Fid net) throws IOException {
        if (isStats(dir)) return FeatureStatistics.load(dir);
        List<BufferedImage> ims = new ArrayList<>();
        for (Path f : images(dir)) ims.add(read(f));
        return FeatureStatistics.of(net.features(ims, Rfid.BATCH));
    }

    private static List<Path> images(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": not a folder");
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpg|jpeg|webp)$")).sorted().toList();
            if (out.isEmpty()) throw new IllegalArgumentException(dir + ": no .png/.jpg images");
            return out;
        }
    }

    private static BufferedImage read(Path f) throws IOException {
        BufferedImage im = ImageIO.read(f.toFile());
        if (im == null) throw new IllegalArgumentException(f + ": not a readable image");
        return im;
    }
}
