package dev.infinity.workbench.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.SafeTensors;
import dev.infinity.workbench.io.StateDict;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Training checkpoints in {@code <out>/checkpoints/step-NNNNNNN/}: one safetensors file per part (model,
 * optimizer, EMA, ...) and {@code state.json} with the trainer state and each file's size and CRC-32.
 * A checkpoint is written into a hidden temporary folder and renamed into place, so a crash never leaves a
 * half-written one under a valid name; the two newest are kept. {@link #latest()} verifies sizes and
 * checksums and names the corrupt checkpoint in its error (the previous one stays untouched).
 */
public final class CheckpointStore {
    /** A verified checkpoint: its folder, step, trainer state and tensor files by part name. */
    public record Loaded(Path dir, int step, JsonObject state, Map<String, StateDict> parts) {}

    /** Thrown when the newest checkpoint cannot be used. */
    public static final class CorruptCheckpointException extends IllegalStateException {
        public CorruptCheckpointException(String message) { super(message); }
    }

    private final Path root;
    private final int keep;

    public CheckpointStore(Path root, int keep) {
        this.root = root;
        this.keep = keep;
    }

    public Path root() { return root; }

    /** Folder name of a step. */
    public static String name(int step) { return String.format("step-%07d", step); }

    /** Writes a checkpoint atomically (tensor parts + state), then deletes all but the newest {@code keep}. */
    public Path write(int step, Map<String, Map<String, HostTensor>> parts, JsonObject state) {
        Path target = root.resolve(name(step));
        Path tmp = root.resolve("." + name(step) + ".tmp-" + System.nanoTime());
        try {
            Files.createDirectories(tmp);
            JsonObject files = new JsonObject();
            for (Map.Entry<String, Map<String, HostTensor>> p : parts.entrySet()) {
                Path f = tmp.resolve(p.getKey() + ".safetensors");
                SafeTensors.write(f, p.getValue(), Map.of("format", "pt"));
                JsonObject info = new JsonObject();
                info.addProperty("bytes", Files.size(f));
                info.addProperty("crc32", crc32(f));
                files.add(p.getKey(), info);
            }
            JsonObject s = state.deepCopy();
            s.addProperty("step", step);
            s.add("files", files);
            AtomicFiles.writeString(tmp.resolve("state.json"), new GsonBuilder().setPrettyPrinting().create().toJson(s));
            if (Files.exists(target)) deleteTree(target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            tmp = null;
            prune();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) deleteTree(tmp);
        }
    }

    /** Checkpoint folders, newest first (temporary folders of interrupted writes are ignored). */
    public List<Path> list() {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d{7}") && Files.isDirectory(p))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + root, e);
        }
    }

    /** The newest checkpoint, verified; empty when there is none; an error naming it when it is corrupt. */
    public Optional<Loaded> latest() {
        List<Path> all = list();
        if (all.isEmpty()) return Optional.empty();
        Path newest = all.get(0);
        try {
            return Optional.of(load(newest));
        } catch (RuntimeException e) {
            String previous = all.size() > 1 ? "; the previous checkpoint " + all.get(1) + " is kept: delete " + newest + " to resume from it"
                    : "; there is no older checkpoint";
            throw new CorruptCheckpointException("newest checkpoint " + newest + " is corrupt (" + e.getMessage() + ")" + previous);
        }
    }

    /** Reads and verifies one checkpoint folder. */
    public static Loaded load(Path dir) {
        Path statePath = dir.resolve("state.json");
        JsonObject state;
        try {
            state = JsonParser.parseString(Files.readString(statePath)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(statePath + " unreadable: " + e.getMessage());
        }
        if (!state.has("step") || !state.has("files")) throw new IllegalStateException(statePath + " lacks 'step' or 'files'");
        Map<String, StateDict> parts = new LinkedHashMap<>();
        for (Map.Entry<String, com.google.gson.JsonElement> e : state.getAsJsonObject("files").entrySet()) {
            Path f = dir.resolve(e.getKey() + ".safetensors");
            JsonObject info = e.getValue().getAsJsonObject();
            try {
                if (!Files.isRegularFile(f)) throw new IllegalStateException(f + " is missing");
                long size = Files.size(f);
                if (size != info.get("bytes").getAsLong()) throw new IllegalStateException(f + " has " + size + " bytes, expected " + info.get("bytes").getAsLong());
                if (crc32(f) != info.get("crc32").getAsLong()) throw new IllegalStateException(f + " fails its CRC-32 check");
            } catch (IOException ex) {
                throw new IllegalStateException(f + " unreadable: " + ex.getMessage());
            }
            parts.put(e.getKey(), SafeTensors.read(f));
        }
        return new Loaded(dir, state.get("step").getAsInt(), state, parts);
    }

    private void prune() {
        List<Path> all = list();
        for (int i = keep; i < all.size(); i++) deleteTree(all.get(i));
    }

    private static long crc32(Path f) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) crc.update(buf, 0, n);
        }
        return crc.getValue();
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = new ArrayList<>(s.toList());
            all.sort(Comparator.reverseOrder());
            for (Path q : all) Files.deleteIfExists(q);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
    }
}
