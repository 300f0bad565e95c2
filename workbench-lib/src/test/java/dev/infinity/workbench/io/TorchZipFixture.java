package dev.infinity.workbench.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes small files in the layout of {@code torch.save} (zip with {@code <stem>/data.pkl} and
 * {@code <stem>/data/<key>}), with a hand-assembled protocol-2 pickle, so tests can make valid and
 * deliberately broken checkpoints.
 */
final class TorchZipFixture {
    private final PickleWriter pickle = new PickleWriter();
    private final Map<String, byte[]> storages = new LinkedHashMap<>();

    TorchZipFixture op(int... bytes) {
        pickle.op(bytes);
        return this;
    }

    TorchZipFixture str(String s) {
        pickle.str(s);
        return this;
    }

    TorchZipFixture binint(long v) {
        pickle.integer(v);
        return this;
    }

    TorchZipFixture global(String module, String name) {
        pickle.global(module, name);
        return this;
    }

    TorchZipFixture tuple(long... values) {
        pickle.tuple(values);
        return this;
    }

    /** Pushes a float32 tensor record over storage {@code key} of {@code storageNumel} elements. */
    TorchZipFixture tensor(String key, long storageNumel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        op('(');
        op('(').str("storage").global("torch", "FloatStorage").str(key).str("cpu").binint(storageNumel).op('t', 'Q');
        binint(offset);
        tuple(size);
        tuple(stride);
        op(0x89); // requires_grad False
        global("collections", "OrderedDict").op(')', 'R');
        return op('t', 'R');
    }

    TorchZipFixture storage(String key, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        storages.put(key, b.array());
        return this;
    }

    /** A complete state dict {name: float32 tensor of the given values and shape}. */
    static TorchZipFixture stateDict(String name, float[] values, long... shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) { stride[i] = s; s *= shape[i]; }
        TorchZipFixture f = new TorchZipFixture().op(0x80, 2);
        f.global("collections", "OrderedDict").op(')', 'R');
        f.op('(').str(name).tensor("0", values.length, 0, shape, stride).op('u', '.');
        return f.storage("0", values);
    }

    Path write(Path file) throws IOException {
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            put(zip, stem + "/data.pkl", pickle.bytes());
            for (Map.Entry<String, byte[]> e : storages.entrySet()) put(zip, stem + "/data/" + e.getKey(), e.getValue());
            put(zip, stem + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
