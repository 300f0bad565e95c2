package dev.infinity.workbench.io;

import dev.infinity.workbench.io.PyObjects.PyGlobal;
import dev.infinity.workbench.io.PyObjects.PyTuple;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads files written by {@code torch.save} (the default zip format of torch ≥ 1.6). Storages stay
 * memory-mapped; only the pickle is parsed on the heap. See {@link PyObjects} for the value mapping.
 */
public final class TorchCheckpoint {
    private TorchCheckpoint() {}

    /** Loads the whole pickled object (a dict, a state dict, a training checkpoint, ...). */
    public static Object load(Path file) {
        if (Files.isDirectory(file)) throw new CheckpointException(file, "is a directory, expected a checkpoint file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(4);
            ch.read(head, 0);
            if (head.position() < 4) throw new CheckpointException(file, "too short to be a checkpoint (" + ch.size() + " bytes)");
            int magic = head.flip().order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (magic == 0x04034b50) return loadZip(file, ch);
            if ((magic & 0xff) == 0x80) {
                throw new CheckpointException(file, "legacy (pre-1.6, non-zip) torch.save format is not supported; "
                        + "re-save it with a current torch: torch.save(torch.load(f), f)");
            }
            throw new CheckpointException(file, String.format("not a PyTorch checkpoint (unknown magic 0x%08x)", magic));
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "file not found");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        } catch (Unpickler.PickleException e) {
            throw new CheckpointException(file, e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException | ClassCastException e) {
            throw new CheckpointException(file, "malformed checkpoint: " + e.getMessage());
        }
    }

    private static Object loadZip(Path file, FileChannel ch) throws IOException {
        ZipArchive zip = new ZipArchive(file, ch);
        String pklName = null;
        for (String name : zip.entries().keySet()) {
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.lastIndexOf('/')) { pklName = name; break; }
        }
        if (pklName == null) throw new CheckpointException(file, "zip has no <name>/data.pkl entry; not a torch.save file");
        String prefix = pklName.substring(0, pklName.length() - "data.pkl".length());
        ByteBuffer pkl = zip.read(zip.entries().get(pklName));
        Unpickler.PersistentLoader loader = pid -> {
            if (!(pid instanceof PyTuple t) || t.size() < 5 || !"storage".equals(t.get(0))) {
                throw new CheckpointException(file, "unsupported persistent id " + pid);
            }
            DType dtype = t.get(1) instanceof PyGlobal g ? DType.fromTorchStorage(g.name()) : null;
            if (dtype == null) throw new CheckpointException(file, "unsupported storage type " + t.get(1));
            String key = String.valueOf(t.get(2));
            long numel = (Long) t.get(4);
            ZipArchive.Entry e = zip.entries().get(prefix + "data/" + key);
            if (e == null) throw new CheckpointException(file, "storage '" + key + "' is missing from the archive");
            long need = Math.multiplyExact(numel, (long) dtype.size);
            if (e.size() < need) {
                throw new CheckpointException(file, "storage '" + key + "' has " + e.size() + " bytes, its header declares " + numel + " " + dtype.pyName() + " elements");
            }
            try {
                return new TorchStorage(key, dtype, numel, zip.read(e));
            } catch (IOException ex) {
                throw new CheckpointException(file, "cannot read storage '" + key + "': " + ex.getMessage(), ex);
            }
        };
        return new Unpickler(pkl.duplicate(), file + " (" + pklName + ")", loader).load();
    }

    /**
     * Loads a state dict: the object itself when it is one, else the value found by following
     * {@code keyPath} (e.g. {@code "trainer", "gpt_fsdp"}); with no path the common containers are tried
     * ({@code state_dict}, {@code model}, {@code module}, {@code vae}, {@code trainer/gpt_fsdp}, {@code gpt}).
     */
    public static StateDict loadStateDict(Path file, String... keyPath) {
        return StateDict.fromObject(file, load(file), List.of(keyPath));
    }
}
