package dev.infinity.workbench.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy {@code .npy} files (versions 1–3, little-endian, C order, no object arrays). */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static HostTensor read(Path file) {
        if (Files.isDirectory(file)) throw new CheckpointException(file, "is a directory, expected a .npy file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 10) throw new CheckpointException(file, "too short for a .npy file (" + size + " bytes)");
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 65536 + 12)).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(head, 0);
            head.flip();
            for (int i = 0; i < MAGIC.length; i++) {
                if (head.get(i) != MAGIC[i]) throw new CheckpointException(file, "not a .npy file (bad magic)");
            }
            int major = head.get(6);
            int headerLen;
            int start;
            if (major == 1) {
                headerLen = head.getShort(8) & 0xffff;
                start = 10;
            } else if (major == 2 || major == 3) {
                headerLen = head.getInt(8);
                start = 12;
            } else {
                throw new CheckpointException(file, "unsupported .npy version " + major);
            }
            if (headerLen < 0 || start + headerLen > head.limit()) throw new CheckpointException(file, "truncated .npy header");
            byte[] hb = new byte[headerLen];
            head.get(start, hb);
            String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header);
            Matcher f = FORTRAN.matcher(header);
            Matcher s = SHAPE.matcher(header);
            if (!d.find() || !f.find() || !s.find()) throw new CheckpointException(file, "malformed .npy header: " + header.trim());
            if (f.group(1).equals("True")) throw new CheckpointException(file, "Fortran-ordered arrays are not supported");
            DType dtype;
            try {
                dtype = DType.fromNpy(d.group(1));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, e.getMessage());
            }
            List<Long> dims = new ArrayList<>();
            for (String part : s.group(1).split(",")) {
                if (!part.isBlank()) dims.add(Long.parseLong(part.trim()));
            }
            long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
            long bytes;
            try {
                bytes = Math.multiplyExact(HostTensor.numel(shape), (long) dtype.size);
            } catch (ArithmeticException e) {
                throw new CheckpointException(file, "shape overflows: " + dims);
            }
            long dataStart = start + headerLen;
            if (dataStart + bytes > size) {
                throw new CheckpointException(file, "data is truncated: shape " + dims + " needs " + bytes + " bytes, file has " + (size - dataStart));
            }
            if (bytes > Integer.MAX_VALUE) throw new CheckpointException(file, "arrays over 2 GiB are not supported in .npy");
            ByteBuffer data = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            while (data.hasRemaining()) {
                if (ch.read(data, dataStart + data.position()) < 0) throw new CheckpointException(file, "unexpected end of file");
            }
            data.flip();
            return new HostTensor(dtype, shape, data);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes version 1.0 (atomically: temp file then rename). */
    public static void write(Path file, HostTensor t) {
        if (t.dtype().npyDescr == null) throw new IllegalArgumentException("numpy has no " + t.dtype().pyName());
        StringBuilder shape = new StringBuilder("(");
        long[] dims = t.shape();
        for (int i = 0; i < dims.length; i++) shape.append(dims[i]).append(i == 0 && dims.length == 1 ? "," : i < dims.length - 1 ? ", " : "");
        shape.append(")");
        String dict = "{'descr': '" + t.dtype().npyDescr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer h = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1)).flip();
        AtomicFiles.write(file, ch -> {
            while (h.hasRemaining()) ch.write(h);
            ByteBuffer d = t.data();
            while (d.hasRemaining()) ch.write(d);
        });
    }
}
