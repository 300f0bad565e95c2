package dev.infinity.workbench.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Minimal zip reader over a memory-mapped file (ZIP64 aware). Stored entries are returned as mapped
 * slices, so a multi-gigabyte checkpoint never passes through the Java heap.
 */
final class ZipArchive {
    record Entry(String name, int method, long compressedSize, long size, long localHeaderOffset) {}

    private final Path file;
    private final FileChannel channel;
    private final long fileSize;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    ZipArchive(Path file, FileChannel channel) throws IOException {
        this.file = file;
        this.channel = channel;
        this.fileSize = channel.size();
        readCentralDirectory();
    }

    Map<String, Entry> entries() { return entries; }

    private CheckpointException bad(String what) { return new CheckpointException(file, what); }

    private ByteBuffer map(long pos, long len) throws IOException {
        if (pos < 0 || len < 0 || pos + len > fileSize) throw bad("zip structure points past the end of the file (truncated?)");
        if (len > Integer.MAX_VALUE) throw bad("zip entry larger than 2 GiB is not supported");
        return channel.map(FileChannel.MapMode.READ_ONLY, pos, len).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void readCentralDirectory() throws IOException {
        if (fileSize < 22) throw bad("too short to be a zip file (" + fileSize + " bytes)");
        long tailLen = Math.min(fileSize, 22 + 65535 + 20);
        ByteBuffer tail = map(fileSize - tailLen, tailLen);
        int eocd = -1;
        for (int i = (int) tailLen - 22; i >= 0; i--) {
            if (tail.getInt(i) == 0x06054b50) { eocd = i; break; }
        }
        if (eocd < 0) throw bad("no zip end-of-central-directory record (truncated or not a zip file)");
        long count = tail.getShort(eocd + 10) & 0xffff;
        long cdSize = tail.getInt(eocd + 12) & 0xffffffffL;
        long cdOffset = tail.getInt(eocd + 16) & 0xffffffffL;
        if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
            int loc = eocd - 20;
            if (loc < 0 || tail.getInt(loc) != 0x07064b50) throw bad("ZIP64 locator missing");
            long z64 = tail.getLong(loc + 8);
            ByteBuffer rec = map(z64, 56);
            if (rec.getInt(0) != 0x06064b50) throw bad("ZIP64 end record missing");
            count = rec.getLong(32);
            cdSize = rec.getLong(40);
            cdOffset = rec.getLong(48);
        }
        ByteBuffer cd = map(cdOffset, cdSize);
        int p = 0;
        for (long n = 0; n < count; n++) {
            if (p + 46 > cd.limit() || cd.getInt(p) != 0x02014b50) throw bad("corrupt zip central directory");
            int method = cd.getShort(p + 10) & 0xffff;
            long csize = cd.getInt(p + 20) & 0xffffffffL;
            long usize = cd.getInt(p + 24) & 0xffffffffL;
            int nameLen = cd.getShort(p + 28) & 0xffff;
            int extraLen = cd.getShort(p + 30) & 0xffff;
            int commentLen = cd.getShort(p + 32) & 0xffff;
            long local = cd.getInt(p + 42) & 0xffffffffL;
            if (p + 46 + nameLen + extraLen > cd.limit()) throw bad("corrupt zip central directory");
            byte[] nb = new byte[nameLen];
            cd.get(p + 46, nb);
            String name = new String(nb, java.nio.charset.StandardCharsets.UTF_8);
            int e = p + 46 + nameLen;
            int end = e + extraLen;
            while (e + 4 <= end) { // ZIP64 extended information
                int id = cd.getShort(e) & 0xffff;
                int len = cd.getShort(e + 2) & 0xffff;
                if (id == 0x0001) {
                    int q = e + 4;
                    if (usize == 0xffffffffL) { usize = cd.getLong(q); q += 8; }
                    if (csize == 0xffffffffL) { csize = cd.getLong(q); q += 8; }
                    if (local == 0xffffffffL) { local = cd.getLong(q); }
                }
                e += 4 + len;
            }
            entries.put(name, new Entry(name, method, csize, usize, local));
            p += 46 + nameLen + extraLen + commentLen;
        }
    }

    /** The bytes of an entry: a mapped slice when stored, an inflated heap copy when deflated. */
    ByteBuffer read(Entry e) throws IOException {
        ByteBuffer lh = map(e.localHeaderOffset(), 30);
        if (lh.getInt(0) != 0x04034b50) throw bad("corrupt local header of zip entry '" + e.name() + "'");
        long dataStart = e.localHeaderOffset() + 30 + (lh.getShort(26) & 0xffff) + (lh.getShort(28) & 0xffff);
        if (e.method() == 0) {
            if (e.size() != e.compressedSize()) throw bad("zip entry '" + e.name() + "' has inconsistent sizes");
            return map(dataStart, e.size());
        }
        if (e.method() != 8) throw bad("zip entry '" + e.name() + "' uses unsupported compression method " + e.method());
        if (e.size() > Integer.MAX_VALUE) throw bad("compressed zip entry '" + e.name() + "' larger than 2 GiB");
        ByteBuffer src = map(dataStart, e.compressedSize());
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(src);
            ByteBuffer out = ByteBuffer.allocateDirect((int) e.size());
            while (!inf.finished() && out.hasRemaining()) {
                if (inf.inflate(out) == 0 && (inf.needsInput() || inf.needsDictionary())) break;
            }
            if (out.hasRemaining()) throw bad("zip entry '" + e.name() + "' is truncated");
            return out.flip().order(ByteOrder.LITTLE_ENDIAN);
        } catch (DataFormatException ex) {
            throw bad("zip entry '" + e.name() + "' is corrupt: " + ex.getMessage());
        } finally {
            inf.end();
        }
    }
}
