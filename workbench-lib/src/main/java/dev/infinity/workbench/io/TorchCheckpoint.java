package dev.infinity.workbench.io;

import dev.infinity.workbench.io.PyObjects.PyGlobal;
import dev.infinity.workbench.io.PyObjects.PyTuple;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
            if ((magic & 0xff) == 0x80) return loadLegacy(file, ch);
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
            PyTuple t = storageRecord(file, pid);
            DType dtype = storageType(file, t);
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
     * The pre-1.6 format: five pickles in a row (magic number, protocol version, sys info, the object,
     * the storage keys), then each storage as an int64 element count and its raw bytes, in key order.
     * The object pickle is parsed twice: once to learn each storage's element type and where the
     * pickle ends, then again with the storages in place.
     */
    private static Object loadLegacy(Path file, FileChannel ch) throws IOException {
        if (ch.size() > Integer.MAX_VALUE) throw new CheckpointException(file, "legacy-format checkpoints over 2 GiB are not supported");
        ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        String src = file.toString();
        ByteBuffer in = all.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        Object magic = new Unpickler(in, src, pid -> null).load();
        if (!(magic instanceof BigInteger b) || !b.equals(LEGACY_MAGIC)) {
            throw new CheckpointException(file, "not a PyTorch checkpoint (a pickle without torch's magic number)");
        }
        new Unpickler(in, src, pid -> null).load(); // protocol version
        new Unpickler(in, src, pid -> null).load(); // sys info
        int objectStart = in.position();

        Map<String, DType> types = new HashMap<>();
        new Unpickler(in, src, pid -> {
            PyTuple t = storageRecord(file, pid);
            types.put(String.valueOf(t.get(2)), storageType(file, t));
            return new TorchStorage(String.valueOf(t.get(2)), DType.UINT8, 0, null);
        }).skip();
        Object keys = new Unpickler(in, src, pid -> null).load();
        if (!(keys instanceof List<?> keyList)) throw new CheckpointException(file, "legacy storage key list is missing");

        Map<String, TorchStorage> storages = new HashMap<>();
        int p = in.position();
        for (Object k : keyList) {
            String key = String.valueOf(k);
            DType dtype = types.get(key);
            if (dtype == null) throw new CheckpointException(file, "storage '" + key + "' is not referenced by the object");
            if (p + 8 > all.limit()) throw new CheckpointException(file, "storage '" + key + "' is truncated");
            long numel = all.getLong(p);
            long bytes = Math.multiplyExact(numel, (long) dtype.size);
            if (numel < 0 || p + 8 + bytes > all.limit()) throw new CheckpointException(file, "storage '" + key + "' is truncated");
            ByteBuffer data = all.duplicate().position(p + 8).limit((int) (p + 8 + bytes)).slice().order(ByteOrder.LITTLE_ENDIAN);
            storages.put(key, new TorchStorage(key, dtype, numel, data));
            p += 8 + (int) bytes;
        }
        Unpickler.PersistentLoader loader = pid -> {
            PyTuple t = storageRecord(file, pid);
            TorchStorage st = storages.get(String.valueOf(t.get(2)));
            if (st == null) throw new CheckpointException(file, "storage '" + t.get(2) + "' is missing");
            if (t.size() > 5 && t.get(5) instanceof PyTuple view) { // (view_key, offset, view_numel)
                int es = st.dtype().size;
                long off = (Long) view.get(1), n = (Long) view.get(2);
                if (off < 0 || n < 0 || off + n > st.numel()) throw new CheckpointException(file, "storage view '" + view.get(0) + "' runs past its storage");
                ByteBuffer v = st.bytes().duplicate().position((int) (off * es)).limit((int) ((off + n) * es)).slice().order(ByteOrder.LITTLE_ENDIAN);
                return new TorchStorage(String.valueOf(view.get(0)), st.dtype(), n, v);
            }
            return st;
        };
        Object result = new Unpickler(all.duplicate().position(objectStart), src, loader).load();
        return result;
    }

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    private static PyTuple storageRecord(Path file, Object pid) {
        if (!(pid instanceof PyTuple t) || t.size() < 5 || !"storage".equals(t.get(0))) {
            throw new CheckpointException(file, "unsupported persistent id " + pid);
        }
        return t;
    }

    private static DType storageType(Path file, PyTuple t) {
        DType dtype = t.get(1) instanceof PyGlobal g ? DType.fromTorchStorage(g.name()) : null;
        if (dtype == null) throw new CheckpointException(file, "unsupported storage type " + t.get(1));
        return dtype;
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
