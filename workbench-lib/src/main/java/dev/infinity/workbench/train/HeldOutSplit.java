package dev.infinity.workbench.train;

import dev.infinity.workbench.data.ImageRoot;
import dev.infinity.workbench.data.SplitFile;
import dev.infinity.workbench.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A deterministic train / validation split of a data set in the official layout: the last {@code fraction}
 * of the lines of every meta file (at least one) are held out. The two halves are written as meta folders
 * {@code <out>/split/train} and {@code <out>/split/val} (same file-name convention), so the ordinary reader
 * ({@link dev.infinity.workbench.data.T2IDataset}) reads them.
 *
 * @param train     meta folder of the training lines
 * @param val       meta folder of the held-out lines
 * @param imageRoot how the lines' {@code image_path}s resolve
 */
public record HeldOutSplit(Path train, Path val, ImageRoot imageRoot, int trainLines, int valLines) {

    /** The meta folder of a data set: {@code dir} itself if it holds .jsonl files, else {@code dir/splits}. */
    public static Path metaFolder(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": data folder not found");
        if (jsonl(dir).isEmpty()) {
            Path splits = dir.resolve("splits");
            if (Files.isDirectory(splits) && !jsonl(splits).isEmpty()) return splits;
            throw new IllegalArgumentException(dir + ": no [h_div_w]_[count].jsonl meta files (nor in " + splits + ")");
        }
        return dir;
    }

    /**
     * Splits the meta files of {@code data} ({@link #metaFolder}) into {@code out/split/}; only files of
     * {@code template} when it is not null (e.g. "1.000").
     */
    public static HeldOutSplit write(Path data, Path out, double fraction, String template) {
        Path meta = metaFolder(data);
        Path train = out.resolve("split").resolve("train"), val = out.resolve("split").resolve("val");
        int nTrain = 0, nVal = 0;
        String sample = null;
        try {
            for (Path d : List.of(train, val)) {
                Files.createDirectories(d);
                for (Path old : jsonl(d)) Files.delete(old);
            }
            for (Path f : jsonl(meta)) {
                SplitFile sf = SplitFile.parse(f).orElseThrow();
                if (template != null && !sf.template().equals(template)) continue;
                List<String> lines = new ArrayList<>();
                for (String l : Files.readAllLines(f)) if (!l.isBlank()) lines.add(l);
                if (lines.isEmpty()) continue;
                int held = lines.size() < 2 ? 0 : Math.max(1, (int) Math.round(fraction * lines.size()));
                List<String> tr = lines.subList(0, lines.size() - held), va = lines.subList(lines.size() - held, lines.size());
                if (sample == null) sample = imagePath(lines.get(0));
                if (!tr.isEmpty()) AtomicFiles.writeString(train.resolve(sf.template() + "_" + String.format("%09d", tr.size()) + ".jsonl"), String.join("\n", tr) + "\n");
                if (!va.isEmpty()) AtomicFiles.writeString(val.resolve(sf.template() + "_" + String.format("%09d", va.size()) + ".jsonl"), String.join("\n", va) + "\n");
                nTrain += tr.size();
                nVal += va.size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot split " + meta + " into " + out + ": " + e.getMessage(), e);
        }
        if (nTrain == 0 || nVal == 0) {
            throw new IllegalArgumentException(meta + ": need lines to train on and to hold out" + (template != null ? " for template " + template : "")
                    + " (got " + nTrain + " / " + nVal + ")");
        }
        return new HeldOutSplit(train, val, imageRoot(meta, sample), nTrain, nVal);
    }

    /** The root under which the lines' image paths exist: the data folder, the meta folder, or the working directory. */
    private static ImageRoot imageRoot(Path meta, String sample) {
        Path parent = meta.toAbsolutePath().getParent();
        for (Path dir : new Path[] {parent, meta.toAbsolutePath()}) {
            if (dir == null) continue;
            ImageRoot r = ImageRoot.detect(dir, sample);
            if (Files.isRegularFile(r.resolve(sample))) return r;
        }
        return ImageRoot.workingDirectory();
    }

    private static String imagePath(String line) {
        try {
            return com.google.gson.JsonParser.parseString(line).getAsJsonObject().get("image_path").getAsString();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The meta files ({@code [h_div_w]_[count].jsonl}) of a folder, sorted. */
    static List<Path> jsonl(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> SplitFile.parse(p).isPresent()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
