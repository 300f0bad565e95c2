package dev.infinity.workbench.eval;

import dev.infinity.workbench.io.AtomicFiles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The tokenizer comparison table: for each candidate (name, code width d, reconstruct function) the vocabulary
 * 2^d, mean PSNR (capped at 100 dB, see {@link ImageMetrics}), mean SSIM and — when an Inception network is given —
 * rFID, on one image set. The reconstruct function is a plain {@code java.util.function.Function} from a batch of
 * images to their reconstructions, so any tokenizer plugs in:
 * <pre>{@code
 * Table t = TokenizerTable.builder(images)
 *         .add("bsq-d16", 16, batch -> vae.reconstruct(batch))
 *         .inception(InceptionV3Fid.load(manager, weights))   // optional: adds rFID
 *         .build();
 * TokenizerTable.writeCsv(t, Path.of("runs/tokenizers.csv"));
 * }</pre>
 */
public final class TokenizerTable {
    /** One tokenizer: its name, bits per token d and a batch reconstruct function. */
    public record Candidate(String name, int d, Function<List<BufferedImage>, List<BufferedImage>> reconstruct) {}

    private final List<BufferedImage> images;
    private final List<Candidate> candidates = new ArrayList<>();
    private InceptionV3Fid inception;
    private ImageMetrics metrics = new ImageMetrics();
    private int batchSize = 8;

    private TokenizerTable(List<BufferedImage> images) { this.images = List.copyOf(images); }

    public static TokenizerTable builder(List<BufferedImage> images) { return new TokenizerTable(images); }

    public TokenizerTable add(String name, int d, Function<List<BufferedImage>, List<BufferedImage>> reconstruct) {
        candidates.add(new Candidate(name, d, reconstruct));
        return this;
    }

    /** Adds the rFID column; without it the column is left empty. */
    public TokenizerTable inception(InceptionV3Fid network) {
        this.inception = network;
        return this;
    }

    /** Adds the rFID column when {@code weights} (pt_inception-2015-12-05-6726825d.pth) exists; otherwise leaves it empty. */
    public TokenizerTable inceptionIfPresent(ai.djl.ndarray.NDManager manager, Path weights) {
        if (weights != null && java.nio.file.Files.isRegularFile(weights)) this.inception = InceptionV3Fid.load(manager, weights);
        return this;
    }

    public TokenizerTable ssimMode(ImageMetrics.SsimMode mode) {
        this.metrics = new ImageMetrics(mode);
        return this;
    }

    public TokenizerTable batchSize(int n) {
        this.batchSize = n;
        return this;
    }

    public Table build() {
        if (images.isEmpty()) throw new IllegalArgumentException("no images to evaluate on");
        StringColumn name = StringColumn.create("tokenizer");
        IntColumn d = IntColumn.create("d");
        DoubleColumn vocab = DoubleColumn.create("vocabulary"), psnr = DoubleColumn.create("psnr"),
                ssim = DoubleColumn.create("ssim"), rfid = DoubleColumn.create("rfid");
        double[][] refFeatures = inception == null ? null : inception.features(images, batchSize);
        for (Candidate c : candidates) {
            List<BufferedImage> rec = reconstructAll(c);
            ImageMetrics.SetResult r = metrics.compareImages(images, rec);
            name.append(c.name());
            d.append(c.d());
            vocab.append(Math.pow(2, c.d()));
            psnr.append(r.meanPsnrCapped());
            ssim.append(r.meanSsim());
            if (inception == null) rfid.appendMissing();
            else rfid.append(FrechetDistance.of(refFeatures, inception.features(rec, batchSize)));
        }
        return Table.create("tokenizers", name, d, vocab, psnr, ssim, rfid);
    }

    private List<BufferedImage> reconstructAll(Candidate c) {
        List<BufferedImage> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i += batchSize) {
            List<BufferedImage> batch = images.subList(i, Math.min(images.size(), i + batchSize));
            List<BufferedImage> rec = c.reconstruct().apply(batch);
            if (rec == null || rec.size() != batch.size()) {
                throw new IllegalStateException("tokenizer '" + c.name() + "' returned " + (rec == null ? "null" : rec.size() + " images")
                        + " for a batch of " + batch.size());
            }
            out.addAll(rec);
        }
        return out;
    }

    /** Writes the table as CSV, atomically. */
    public static void writeCsv(Table table, Path file) {
        StringWriter w = new StringWriter();
        table.write().csv(w);
        AtomicFiles.writeString(file, w.toString());
    }
}
