package dev.infinity.workbench.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state dict in the {@code torch.save} zip format (protocol-2 pickle of an OrderedDict of
 * tensors, one stored entry per storage) so that {@code torch.load} in Python reads it back.
 */
public final class TorchCheckpointWriter {
    private TorchCheckpointWriter() {}

    public static void writeStateDict(java.nio.file.Path file, Map<String, HostTensor> tensors) {
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        byte[] pickle = pickle(tensors);
        AtomicFiles.write(file, ch -> {
            OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20);
            ZipOutputStream zip = new ZipOutputStream(os);
            putStored(zip, stem + "/data.pkl", ByteBuffer.wrap(pickle));
            int i = 0;
            for (HostTensor t : tensors.values()) putStored(zip, stem + "/data/" + i++, t.data());
            putStored(zip, stem + "/version", ByteBuffer.wrap("3\n".getBytes(StandardCharsets.US_ASCII)));
            zip.finish();
            os.flush();
        });
    }

    private static void putStored(ZipOutputStream zip, String name, ByteBuffer data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.remaining());
        CRC32 crc = new CRC32();
        crc.update(data.duplicate());
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        byte[] chunk = new byte[1 << 20];
        ByteBuffer d = data.duplicate();
        while (d.hasRemaining()) {
            int n = Math.min(chunk.length, d.remaining());
            d.get(chunk, 0, n);
            zip.write(chunk, 0, n);
        }
        zip.closeEntry();
    }

    /** {@code OrderedDict([(name, _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())), ...])}. */
    private static byte[] pickle(Map<String, HostTensor> tensors) {
        PickleWriter p = new PickleWriter();
        p.op(0x80, 2).global("collections", "OrderedDict").op(')', 'R').op('(');
        int i = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor t = e.getValue();
            if (t.dtype().torchStorage == null) throw new IllegalArgumentException("torch has no storage for " + t.dtype().pyName());
            long[] shape = t.shape();
            long[] stride = new long[shape.length];
            long s = 1;
            for (int d = shape.length - 1; d >= 0; d--) { stride[d] = s; s *= Math.max(shape[d], 1); }
            p.str(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').str("storage").global("torch", t.dtype().torchStorage).str(Integer.toString(i++)).str("cpu").integer(t.numel()).op('t', 'Q');
            p.integer(0).tuple(shape).tuple(stride).op(0x89);
            p.global("collections", "OrderedDict").op(')', 'R').op('t', 'R');
        }
        p.op('u', '.');
        return p.bytes();
    }
}
