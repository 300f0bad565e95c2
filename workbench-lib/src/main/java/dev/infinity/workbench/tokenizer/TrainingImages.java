package dev.infinity.workbench.tokenizer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** A deterministic source of square training images: image {@code i} is always the same picture. */
public interface TrainingImages {
    /** Memory a {@link #folder} source may fill with decoded images. */
    long CACHE_BYTES = 256L << 20;

    /** Image {@code index} as (3, size, size) planes in [-1, 1]. */
    float[] image(long index, int size);

    /** Held-out images (never returned by {@link #image}) for evaluation. */
    float[] heldOut(int index, int size);

    int heldOutCount();

    /** Simple coloured shapes (rectangles, ellipses, triangles, lines) on a plain background, rendered with Java2D. */
    static TrainingImages shapes(long seed) {
        return new TrainingImages() {
            @Override public float[] image(long index, int size) { return render(new Random(mix(seed, index)), size); }
            @Override public float[] heldOut(int index, int size) { return render(new Random(mix(~seed, index)), size); }
            @Override public int heldOutCount() { return 8; }
        };
    }

    /**
     * Every .png/.jpg/.jpeg/.bmp/.gif in {@code dir} (sorted); the last ones (5 %, 1..16) are held out. Decoded and
     * resized images are kept in memory while they fit in {@link #CACHE_BYTES} (1000 toy images at 64x64 take 49 MB),
     * so every epoch after the first skips PNG decoding and Lanczos resizing (about 20 % of a 64x64 training step).
     */
    static TrainingImages folder(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp|gif)")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list training images in " + dir, e);
        }
        if (files.size() < 2) throw new IllegalArgumentException(dir + ": need at least 2 images (png/jpg/bmp/gif), found " + files.size());
        int held = Math.max(1, Math.min(16, files.size() / 20));
        List<Path> train = files.subList(0, files.size() - held), test = files.subList(files.size() - held, files.size());
        Map<String, float[]> cache = new ConcurrentHashMap<>();
        AtomicLong cached = new AtomicLong();
        java.util.function.BiFunction<Path, Integer, float[]> load = (file, size) -> {
            String key = size + ":" + file;
            float[] hit = cache.get(key);
            if (hit != null) return hit.clone();
            float[] img = read(file, size);
            if (cached.addAndGet(4L * img.length) > CACHE_BYTES) return img;
            cache.put(key, img);
            return img.clone();                      // callers own what they get; the cached copy stays intact
        };
        return new TrainingImages() {
            @Override public float[] image(long index, int size) { return load.apply(train.get((int) Math.floorMod(index, (long) train.size())), size); }
            @Override public float[] heldOut(int index, int size) { return load.apply(test.get(index % test.size()), size); }
            @Override public int heldOutCount() { return test.size(); }
        };
    }

    private static float[] read(Path file, int size) {
        try {
            BufferedImage img = javax.imageio.ImageIO.read(file.toFile());
            if (img == null) throw new IllegalArgumentException(file + ": not a readable image");
            return ImagePreprocessor.toTensor(img, size, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** SplitMix64 of (seed, index): java.util.Random's first draws are correlated for neighbouring seeds. */
    private static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static float[] render(Random r, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
        g.fillRect(0, 0, size, size);
        int shapes = 1 + r.nextInt(3);
        for (int i = 0; i < shapes; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            int x = r.nextInt(size), y = r.nextInt(size), w = size / 6 + r.nextInt(size / 2), h = size / 6 + r.nextInt(size / 2);
            switch (r.nextInt(4)) {
                case 0 -> g.fillRect(x - w / 2, y - h / 2, w, h);
                case 1 -> g.fillOval(x - w / 2, y - h / 2, w, h);
                case 2 -> g.fillPolygon(new int[] {x, x + w / 2, x - w / 2}, new int[] {y - h / 2, y + h / 2, y + h / 2}, 3);
                default -> {
                    g.setStroke(new BasicStroke(Math.max(1, size / 16f)));
                    g.drawLine(x - w / 2, y - h / 2, x + w / 2, y + h / 2);
                }
            }
        }
        g.dispose();
        return ImagePreprocessor.toTensor(img, size, size);
    }
}
