package dev.infinity.workbench.data;

import dev.infinity.workbench.data.SkipLog.Reason;
import dev.infinity.workbench.tokenizer.DynamicResolution;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Text-to-image training data in the official Infinity layout: a folder of
 * {@code [h_div_w_template]_[num_examples].jsonl} meta files ({@link SplitFile}, {@link DataRecord}).
 *
 * <p>{@link Builder#build()} reads every meta file once, keeping only the byte offset of each usable line
 * (images and captions are read when a batch needs them). Lines that are malformed, belong to another
 * aspect template, or name a missing image are skipped and counted ({@link #skipLog()}), as are images
 * that fail to decode when loaded.
 *
 * <p>An epoch, as in the official loader, has {@code max(1, n / batchSize)} batches per template with n
 * usable lines, in a random order of templates; every batch is drawn from one template, so all its images
 * share one pixel size and one scale schedule. Within a template the items come from a fresh permutation
 * per epoch (cycled if it runs out). All randomness derives from the seed, the epoch and the position,
 * so a {@link DataPosition} resumes exactly. Differences from the official streaming loader: no shuffle
 * buffer (a full permutation instead) and no worker/rank sharding.
 */
public final class T2IDataset {
    /** The target pixel size (h, w) of images of a template. */
    @FunctionalInterface
    public interface PixelSize {
        int[] of(String template, double hDivW);

        static PixelSize fixed(int height, int width) {
            return (template, hDivW) -> new int[] {height, width};
        }

        /** The official size for the template and a pixel budget ("0.06M", "0.25M", "0.60M", "1M"). */
        static PixelSize budget(String pn) {
            DynamicResolution.entry(1.0, pn); // fails now, naming the budgets, if pn is unknown
            return (template, hDivW) -> {
                DynamicResolution.Entry e = DynamicResolution.forAspect(hDivW, pn);
                return new int[] {e.pixelH(), e.pixelW()};
            };
        }
    }

    private final Builder cfg;
    private final List<SplitFile> files;
    private final List<Pool> pools;
    private final SkipLog skipLog;
    private final CaptionChooser captions;

    private T2IDataset(Builder cfg, List<SplitFile> files, List<Pool> pools, SkipLog skipLog) {
        this.cfg = cfg;
        this.files = files;
        this.pools = pools;
        this.skipLog = skipLog;
        this.captions = new CaptionChooser(cfg.shortProb, cfg.dynamicLength);
    }

    public static Builder builder(Path metaFolder) {
        return new Builder(metaFolder);
    }

    /** Options, with the official defaults where there is one. */
    public static final class Builder {
        private final Path folder;
        private ImageRoot root;
        private double shortProb = 0.2;
        private boolean dynamicLength = true;
        private int batchSize = 2;
        private long seed = 0;
        private PixelSize pixelSize = PixelSize.budget("0.06M");
        private boolean templateCheck = true;
        private boolean checkImages = true;
        private int keepReasons = 10;

        private Builder(Path folder) { this.folder = folder; }

        /**
         * How {@code image_path} is resolved. Default: against the working directory, as the official code does,
         * if the first line's image is found there; otherwise {@link ImageRoot#detect} against the meta folder's parent.
         */
        public Builder imageRoot(ImageRoot root) { this.root = root; return this; }

        /** Probability of training on the short caption (official default 0.2). */
        public Builder shortCaptionProb(double p) { this.shortProb = p; return this; }

        /** The official "dynamic length prompt": random prefixes of the long caption (default on). */
        public Builder dynamicLengthPrompt(boolean on) { this.dynamicLength = on; return this; }

        public Builder batchSize(int b) {
            if (b <= 0) throw new IllegalArgumentException("batch size must be positive: " + b);
            this.batchSize = b;
            return this;
        }

        public Builder seed(long seed) { this.seed = seed; return this; }

        /** Target pixel size per template (default: the official 0.06M sizes, {@code pn("0.06M")}). */
        public Builder pixelSize(PixelSize p) { this.pixelSize = p; return this; }

        /** The official pixel size of each template at a pixel budget, e.g. "0.25M". */
        public Builder pn(String pixelBudget) { return pixelSize(PixelSize.budget(pixelBudget)); }

        /** One pixel size for all templates. */
        public Builder pixelSize(int height, int width) { return pixelSize(PixelSize.fixed(height, width)); }

        /**
         * Skip a line whose h_div_w is nearest to another official template than its file's, as the official
         * loader drops it (default on).
         */
        public Builder templateCheck(boolean on) { this.templateCheck = on; return this; }

        /** Check at scan time that every image file exists (default on; one file-system lookup per line). */
        public Builder checkImagesExist(boolean on) { this.checkImages = on; return this; }

        /** How many skip reasons to keep and log (default 10). */
        public Builder keepReasons(int n) { this.keepReasons = n; return this; }

        /** Scans the meta files; throws {@link UncheckedIOException} when the folder cannot be read or holds none. */
        public T2IDataset build() {
            if (!(shortProb >= 0 && shortProb <= 1)) throw new IllegalArgumentException("short caption probability must be in [0, 1]: " + shortProb);
            List<SplitFile> files = new ArrayList<>();
            List<Path> jsonl;
            try (Stream<Path> s = Files.list(folder)) {
                jsonl = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list meta folder " + folder + ": " + e.getMessage(), e);
            }
            for (Path p : jsonl) {
                files.add(SplitFile.parse(p).orElseThrow(() -> new IllegalArgumentException(
                        p + ": meta file name must be [h_div_w_template]_[num_examples].jsonl, e.g. 1.000_000002500.jsonl")));
            }
            if (files.isEmpty()) throw new UncheckedIOException(new IOException("no .jsonl meta files in " + folder));
            if (root == null) root = defaultRoot(files);
            SkipLog log = new SkipLog(keepReasons);
            Map<String, Pool> pools = new LinkedHashMap<>();
            for (int f = 0; f < files.size(); f++) {
                SplitFile sf = files.get(f);
                Pool pool = pools.computeIfAbsent(sf.template(), t -> new Pool(t, sf.hDivW(), pools.size()));
                long lines = scan(sf, f, pool, log);
                if (lines != sf.declared()) log.countMismatch(sf, lines);
            }
            return new T2IDataset(this, List.copyOf(files), List.copyOf(pools.values()), log);
        }

        /** Reads one meta file line by line, adding the usable lines to the pool; returns the number of lines. */
        private long scan(SplitFile sf, int fileIndex, Pool pool, SkipLog log) {
            long lineNo = 0;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(sf.path()), 1 << 16)) {
                ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
                long offset = 0, start = 0;
                int b;
                while (true) {
                    b = in.read();
                    if (b == '\n' || (b == -1 && line.size() > 0)) {
                        lineNo++;
                        check(sf, fileIndex, pool, log, line.toByteArray(), start, lineNo);
                        line.reset();
                        start = offset + 1;
                    } else if (b != -1) {
                        line.write(b);
                    }
                    if (b == -1) break;
                    offset++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read meta file " + sf.path() + ": " + e.getMessage(), e);
            }
            return lineNo;
        }

        /** The working directory, or the root detected from the first parseable line (see {@link #imageRoot}). */
        private ImageRoot defaultRoot(List<SplitFile> files) {
            for (SplitFile sf : files) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(sf.path()), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        DataRecord r;
                        try {
                            r = DataRecord.parse(line, sf, 0);
                        } catch (DataRecord.MalformedRecordException e) {
                            continue;
                        }
                        if (Path.of(r.imagePath()).isAbsolute() || Files.isRegularFile(Path.of(r.imagePath()))) return ImageRoot.workingDirectory();
                        Path parent = folder.toAbsolutePath().getParent();
                        return parent == null ? ImageRoot.workingDirectory() : ImageRoot.detect(parent, r.imagePath());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read meta file " + sf.path() + ": " + e.getMessage(), e);
                }
            }
            return ImageRoot.workingDirectory();
        }

        private void check(SplitFile sf, int fileIndex, Pool pool, SkipLog log, byte[] raw, long offset, long lineNo) {
            String where = sf.path().getFileName() + ":" + lineNo;
            DataRecord r;
            try {
                r = DataRecord.parse(decode(raw), sf, lineNo);
            } catch (DataRecord.MalformedRecordException e) {
                log.skip(Reason.MALFORMED_LINE, where, e.getMessage());
                return;
            }
            if (templateCheck) {
                double nearest = DynamicResolution.nearestTemplate(r.hDivW());
                if (Math.abs(nearest - sf.hDivW()) > 0.01) {
                    log.skip(Reason.WRONG_TEMPLATE, where, "h_div_w " + r.hDivW() + " is nearest to template " + nearest + ", not " + sf.template());
                    return;
                }
            }
            if (checkImages && !Files.isRegularFile(root.resolve(r.imagePath()))) {
                log.skip(Reason.MISSING_IMAGE, where, "no file " + root.resolve(r.imagePath()));
                return;
            }
            pool.add(fileIndex, offset, raw.length, lineNo);
        }
    }

    private static String decode(byte[] raw) {
        int n = raw.length;
        if (n > 0 && raw[n - 1] == '\r') n--;
        return new String(raw, 0, n, StandardCharsets.UTF_8);
    }

    /** The usable lines of one template: where each is (file, byte offset, length, line number). */
    private static final class Pool {
        final String template;
        final double hDivW;
        final int index;
        int size;
        int[] file = new int[16];
        long[] offset = new long[16];
        int[] length = new int[16];
        long[] line = new long[16];

        Pool(String template, double hDivW, int index) {
            this.template = template;
            this.hDivW = hDivW;
            this.index = index;
        }

        void add(int f, long off, int len, long lineNo) {
            if (size == file.length) {
                int n = size * 2;
                file = Arrays.copyOf(file, n);
                offset = Arrays.copyOf(offset, n);
                length = Arrays.copyOf(length, n);
                line = Arrays.copyOf(line, n);
            }
            file[size] = f;
            offset[size] = off;
            length[size] = len;
            line[size] = lineNo;
            size++;
        }
    }

    /** Summary of one aspect template. */
    public record TemplateInfo(String template, double hDivW, int usable, int batchesPerEpoch) {}

    public List<TemplateInfo> templates() {
        return pools.stream().map(p -> new TemplateInfo(p.template, p.hDivW, p.size, batches(p))).toList();
    }

    public List<SplitFile> files() { return files; }

    public SkipLog skipLog() { return skipLog; }

    public int batchSize() { return cfg.batchSize; }

    /** How image paths are resolved (the one given, or the default chosen at build time). */
    public ImageRoot imageRoot() { return cfg.root; }

    /** Number of usable lines over all templates. */
    public long size() {
        return pools.stream().mapToLong(p -> p.size).sum();
    }

    public int batchesPerEpoch() {
        return pools.stream().mapToInt(this::batches).sum();
    }

    private int batches(Pool p) {
        return p.size == 0 ? 0 : Math.max(1, p.size / cfg.batchSize);
    }

    /** The usable records of a template in file order (re-read from disk; images are not loaded). */
    public List<DataRecord> records(String template) {
        Pool p = pools.stream().filter(q -> q.template.equals(template)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no template '" + template + "' in " + cfg.folder));
        List<DataRecord> out = new ArrayList<>(p.size);
        for (int i = 0; i < p.size; i++) out.add(record(p, i));
        return out;
    }

    private DataRecord record(Pool p, int i) {
        SplitFile sf = files.get(p.file[i]);
        ByteBuffer buf = ByteBuffer.allocate(p.length[i]);
        try (FileChannel ch = FileChannel.open(sf.path(), StandardOpenOption.READ)) {
            long pos = p.offset[i];
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) throw new IOException("file shrank since it was scanned");
                pos += n;
            }
            return DataRecord.parse(decode(buf.array()), sf, p.line[i]);
        } catch (IOException e) {
            throw new UncheckedIOException(sf.path() + ":" + p.line[i] + ": cannot re-read line: " + e.getMessage(), e);
        } catch (DataRecord.MalformedRecordException e) {
            throw new IllegalStateException(sf.path() + ":" + p.line[i] + ": line changed since it was scanned: " + e.getMessage());
        }
    }

    /**
     * The position after {@code globalStep} batches from the start, computed without loading anything: for a
     * trainer that kept only its step count. Exact when no image failed to load before that point (a failure
     * makes its template consume one more item); otherwise resume from the saved {@link BatchStream#position()}.
     */
    public DataPosition positionAt(long globalStep) {
        int per = batchesPerEpoch();
        if (per == 0 || globalStep < 0) throw new IllegalArgumentException("no position " + globalStep + " in a data set of " + per + " batches per epoch");
        int epoch = Math.toIntExact(globalStep / per), step = (int) (globalStep % per);
        int[] order = plan(epoch);
        Map<String, Long> cursors = new LinkedHashMap<>();
        for (int i = 0; i < step; i++) cursors.merge(pools.get(order[i]).template, (long) cfg.batchSize, Long::sum);
        return new DataPosition(epoch, step, cursors);
    }

    /** Batches from the start of epoch 0. */
    public BatchStream stream() {
        return stream(DataPosition.start());
    }

    /** Batches from a saved position (see {@link BatchStream#position()}). */
    public BatchStream stream(DataPosition from) {
        for (String t : from.cursors().keySet()) {
            if (pools.stream().noneMatch(p -> p.template.equals(t))) throw new IllegalArgumentException("position names template '" + t + "' which this data set does not have");
        }
        if (from.step() > batchesPerEpoch()) throw new IllegalArgumentException("position step " + from.step() + " beyond the " + batchesPerEpoch() + " batches of an epoch");
        return new BatchStream(from);
    }

    /**
     * An endless sequence of batches (epoch after epoch). {@link #position()} is where the next batch comes
     * from: save it after a training step and resume with {@link T2IDataset#stream(DataPosition)}.
     */
    public final class BatchStream implements Iterator<Batch> {
        private int epoch;
        private int step;
        private final long[] cursors = new long[pools.size()];
        private int[] order;
        private final BitSet[] failed = new BitSet[pools.size()];
        private final int[][] perm = new int[pools.size()][];
        private final long[] permCycle = new long[pools.size()];

        private BatchStream(DataPosition from) {
            epoch = from.epoch();
            step = from.step();
            for (Pool p : pools) {
                cursors[p.index] = from.cursor(p.template);
                failed[p.index] = new BitSet();
                permCycle[p.index] = -1;
            }
            order = plan(epoch);
        }

        public int epoch() { return epoch; }

        public DataPosition position() {
            if (step == order.length) return DataPosition.epoch(epoch + 1);
            Map<String, Long> c = new LinkedHashMap<>();
            for (Pool p : pools) if (cursors[p.index] > 0) c.put(p.template, cursors[p.index]);
            return new DataPosition(epoch, step, c);
        }

        @Override
        public boolean hasNext() { return order.length > 0; }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("the data set has no usable lines");
            if (step == order.length) {
                epoch++;
                step = 0;
                Arrays.fill(cursors, 0);
                Arrays.fill(permCycle, -1);
                order = plan(epoch);
            }
            Pool p = pools.get(order[step]);
            int[] hw = cfg.pixelSize.of(p.template, p.hDivW);
            List<Batch.Sample> samples = new ArrayList<>(cfg.batchSize);
            while (samples.size() < cfg.batchSize) {
                if (failed[p.index].cardinality() == p.size) {
                    throw new IllegalStateException("template " + p.template + ": no image could be loaded (" + skipLog + ")");
                }
                // the next items not known to be bad, as many as are missing; loaded in parallel, used in order
                List<long[]> picks = new ArrayList<>(); // {cursor, item}
                BitSet picked = new BitSet();
                while (picks.size() < cfg.batchSize - samples.size()) {
                    long cursor = cursors[p.index];
                    int item = item(p, cursor);
                    if (picked.get(item)) break; // a template smaller than the batch: load these first
                    cursors[p.index]++;
                    if (!failed[p.index].get(item)) {
                        picks.add(new long[] {cursor, item});
                        picked.set(item);
                    }
                }
                List<Object> loaded = picks.parallelStream().map(c -> load(p, c[0], (int) c[1], hw)).toList();
                for (int i = 0; i < picks.size(); i++) {
                    if (loaded.get(i) instanceof Batch.Sample s) {
                        samples.add(s);
                        continue;
                    }
                    Failure f = (Failure) loaded.get(i);
                    failed[p.index].set((int) picks.get(i)[1]);
                    skipLog.skip(f.missing ? Reason.MISSING_IMAGE : Reason.CORRUPT_IMAGE, f.record.where(), f.message);
                }
            }
            step++;
            return new Batch(p.template, p.hDivW, hw[0], hw[1], samples);
        }

        /** A sample, or a {@link Failure} when the image cannot be read. */
        private Object load(Pool p, long cursor, int item, int[] hw) {
            DataRecord r = record(p, item);
            try {
                BufferedImage img = ImageLoader.read(cfg.root.resolve(r.imagePath()));
                byte[] rgb = ImagePreprocess.resizeCropRgb(ImageLoader.rgb(img), img.getHeight(), img.getWidth(), hw[0], hw[1]);
                String caption = captions.choose(r, new Random(mix(cfg.seed, epoch, p.index, cursor, 0x6361)));
                return new Batch.Sample(r, caption, ImageLoader.fromRgb(rgb, hw[0], hw[1]), ImagePreprocess.toPm1(rgb, hw[0], hw[1]));
            } catch (IOException e) {
                return new Failure(r, e instanceof NoSuchFileException, e.getMessage());
            }
        }

        /** The pool item at a cursor: cycle cursor / size of this epoch's permutations, slot cursor % size. */
        private int item(Pool p, long cursor) {
            long cycle = cursor / p.size;
            if (permCycle[p.index] != cycle) {
                perm[p.index] = permutation(p.size, new Random(mix(cfg.seed, epoch, p.index, cycle, 0x7065)));
                permCycle[p.index] = cycle;
            }
            return perm[p.index][(int) (cursor % p.size)];
        }
    }

    private record Failure(DataRecord record, boolean missing, String message) {}

    /** The template (pool index) of every batch of an epoch, in a seeded random order. */
    private int[] plan(int epoch) {
        int[] order = new int[batchesPerEpoch()];
        int k = 0;
        for (Pool p : pools) for (int i = 0; i < batches(p); i++) order[k++] = p.index;
        shuffle(order, new Random(mix(cfg.seed, epoch, -1, 0, 0x6f72)));
        return order;
    }

    private static int[] permutation(int n, Random rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        shuffle(a, rng);
        return a;
    }

    /** Fisher-Yates. */
    private static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A well-mixed 64-bit seed from the parts (SplitMix64 finaliser applied after each). */
    static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long v : parts) {
            h ^= v;
            h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
            h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
            h ^= h >>> 31;
        }
        return h;
    }
}
