package dev.infinity.workbench.io;

import dev.infinity.workbench.io.PyObjects.PyTuple;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** A PyTorch storage (one flat typed buffer) and the rebuilding of tensor views over it. */
record TorchStorage(String key, DType dtype, long numel, ByteBuffer bytes) {

    /** Rebuilds {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)} as a contiguous host tensor. */
    static HostTensor rebuildTensor(PyTuple args, Function<String, RuntimeException> error) {
        if (args.size() < 4 || !(args.get(0) instanceof TorchStorage st)) throw error.apply("malformed tensor record");
        long offset = toLong(args.get(1), error);
        long[] size = toLongs(args.get(2), error);
        long[] stride = toLongs(args.get(3), error);
        if (size.length != stride.length) throw error.apply("tensor size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride) + " differ in rank");
        long numel;
        try {
            numel = HostTensor.numel(size);
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw error.apply("tensor shape " + Arrays.toString(size) + " is invalid or overflows");
        }
        if (offset < 0) throw error.apply("negative storage offset " + offset);
        if (numel > 0) {
            long last = offset;
            for (int i = 0; i < size.length; i++) {
                if (stride[i] < 0) throw error.apply("negative stride " + Arrays.toString(stride));
                last += (size[i] - 1) * stride[i];
            }
            if (last >= st.numel) {
                throw error.apply("tensor of shape " + Arrays.toString(size) + " (offset " + offset + ", stride " + Arrays.toString(stride)
                        + ") runs past its storage '" + st.key + "' of " + st.numel + " elements");
            }
        }
        int es = st.dtype.size;
        ByteBuffer data;
        if (numel == 0) {
            data = ByteBuffer.allocateDirect(0);
        } else if (isContiguous(size, stride)) {
            data = slice(st.bytes, offset * es, numel * es);
        } else {
            data = gather(st, offset, size, stride, numel);
        }
        return new HostTensor(st.dtype, size, data).withTorchMetadata(stride, offset);
    }

    private static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }

    private static ByteBuffer slice(ByteBuffer b, long start, long len) {
        if (len > Integer.MAX_VALUE) throw new IllegalStateException("tensor larger than 2 GiB");
        return b.duplicate().position((int) start).limit((int) (start + len)).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer gather(TorchStorage st, long offset, long[] size, long[] stride, long numel) {
        int es = st.dtype.size;
        if (numel * es > Integer.MAX_VALUE) throw new IllegalStateException("strided tensor larger than 2 GiB");
        ByteBuffer out = ByteBuffer.allocateDirect((int) (numel * es)).order(ByteOrder.LITTLE_ENDIAN);
        long[] idx = new long[size.length];
        byte[] elem = new byte[es];
        for (long n = 0; n < numel; n++) {
            long src = offset;
            for (int i = 0; i < size.length; i++) src += idx[i] * stride[i];
            st.bytes.get((int) (src * es), elem);
            out.put(elem);
            for (int i = size.length - 1; i >= 0; i--) {
                if (++idx[i] < size[i]) break;
                idx[i] = 0;
            }
        }
        out.flip();
        return out;
    }

    private static long toLong(Object o, Function<String, RuntimeException> error) {
        if (o instanceof Long l) return l;
        throw error.apply("expected an integer in a tensor record, got " + o);
    }

    private static long[] toLongs(Object o, Function<String, RuntimeException> error) {
        if (!(o instanceof List<?> l)) throw error.apply("expected a tuple of integers in a tensor record, got " + o);
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = toLong(l.get(i), error);
        return out;
    }
}
