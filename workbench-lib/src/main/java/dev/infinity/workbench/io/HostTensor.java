package dev.infinity.workbench.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor held outside any engine: dtype, shape and a little-endian, C-ordered byte buffer.
 *
 * <p>Checkpoint readers return these. The buffer may be a slice of a memory-mapped file, so a state
 * dict costs no Java heap until a tensor is converted. {@link #toNDArray} is the one way into DJL and
 * handles the dtypes the CPU engine cannot hold (bfloat16 and int16 abort the JVM there).
 */
public final class HostTensor {
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;
    /** Optional metadata from PyTorch checkpoints (null / -1 when unknown). */
    private long[] stride;
    private long storageOffset = -1;
    private boolean parameter;
    private boolean requiresGrad;

    public HostTensor(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long n = numel(shape);
        long bytes = Math.multiplyExact(n, (long) dtype.size);
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " " + dtype.pyName()
                    + " needs " + bytes + " bytes, buffer has " + data.remaining());
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Product of the dimensions, with overflow checks. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public static HostTensor of(float[] values, long... shape) {
        ByteBuffer b = direct(values.length * 4);
        b.asFloatBuffer().put(values);
        return new HostTensor(DType.FLOAT32, shape, b);
    }

    public static HostTensor of(double[] values, long... shape) {
        ByteBuffer b = direct(values.length * 8);
        b.asDoubleBuffer().put(values);
        return new HostTensor(DType.FLOAT64, shape, b);
    }

    public static HostTensor of(long[] values, long... shape) {
        ByteBuffer b = direct(values.length * 8);
        b.asLongBuffer().put(values);
        return new HostTensor(DType.INT64, shape, b);
    }

    public static HostTensor of(int[] values, long... shape) {
        ByteBuffer b = direct(values.length * 4);
        b.asIntBuffer().put(values);
        return new HostTensor(DType.INT32, shape, b);
    }

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Copies an NDArray's values to the host (float16/bool/int8/uint8/int32/int64/float32/float64). */
    public static HostTensor of(NDArray array) {
        DType t = switch (array.getDataType()) {
            case FLOAT32 -> DType.FLOAT32;
            case FLOAT64 -> DType.FLOAT64;
            case FLOAT16 -> DType.FLOAT16;
            case INT64 -> DType.INT64;
            case INT32 -> DType.INT32;
            case INT8 -> DType.INT8;
            case UINT8 -> DType.UINT8;
            case BOOLEAN -> DType.BOOL;
            default -> throw new IllegalArgumentException("cannot copy NDArray of type " + array.getDataType());
        };
        byte[] bytes = array.toByteArray();
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(bytes).flip();
        return new HostTensor(t, array.getShape().getShape(), b);
    }

    public DType dtype() { return dtype; }
    public long[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public long numel() { return numel(shape); }
    public long byteSize() { return data.remaining(); }
    /** Read-only little-endian view of the raw bytes. */
    public ByteBuffer data() { return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN); }

    public long[] stride() { return stride == null ? null : stride.clone(); }
    public long storageOffset() { return storageOffset; }
    public boolean isParameter() { return parameter; }
    public boolean requiresGrad() { return requiresGrad; }

    HostTensor withTorchMetadata(long[] stride, long storageOffset) {
        this.stride = stride.clone();
        this.storageOffset = storageOffset;
        return this;
    }

    HostTensor asParameter(boolean requiresGrad) {
        HostTensor p = new HostTensor(dtype, shape, data);
        p.stride = stride;
        p.storageOffset = storageOffset;
        p.parameter = true;
        p.requiresGrad = requiresGrad;
        return p;
    }

    private void checkFitsArray() {
        if (numel() > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor of " + numel() + " elements is too large for a Java array; use toNDArray");
        }
    }

    /** Values as float32 (bf16 and fp16 widened exactly; integers and booleans converted; float64 rounded). */
    public float[] toFloatArray() {
        checkFitsArray();
        int n = (int) numel();
        float[] out = new float[n];
        ByteBuffer b = data();
        switch (dtype) {
            case FLOAT32 -> b.asFloatBuffer().get(out);
            case BFLOAT16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16); }
            case FLOAT16 -> { for (int i = 0; i < n; i++) out[i] = Half.toFloat(b.getShort(2 * i)); }
            default -> { double[] d = toDoubleArray(); for (int i = 0; i < n; i++) out[i] = (float) d[i]; }
        }
        return out;
    }

    /** Values as float64 (every dtype). */
    public double[] toDoubleArray() {
        checkFitsArray();
        int n = (int) numel();
        double[] out = new double[n];
        ByteBuffer b = data();
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case FLOAT32 -> b.getFloat(4 * i);
                case FLOAT64 -> b.getDouble(8 * i);
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                case FLOAT16 -> Half.toFloat(b.getShort(2 * i));
                case INT64 -> b.getLong(8 * i);
                case INT32 -> b.getInt(4 * i);
                case INT16 -> b.getShort(2 * i);
                case UINT16 -> b.getShort(2 * i) & 0xffff;
                case INT8 -> b.get(i);
                case UINT8 -> b.get(i) & 0xff;
                case BOOL -> b.get(i) != 0 ? 1 : 0;
            };
        }
        return out;
    }

    /** Values as int64; floating types must hold integers. */
    public long[] toLongArray() {
        checkFitsArray();
        int n = (int) numel();
        long[] out = new long[n];
        ByteBuffer b = data();
        if (dtype == DType.INT64) {
            b.asLongBuffer().get(out);
            return out;
        }
        double[] d = toDoubleArray();
        for (int i = 0; i < n; i++) out[i] = (long) d[i];
        return out;
    }

    /** Raw 16-bit patterns of a bfloat16 / float16 / int16 / uint16 tensor. */
    public short[] toShortBits() {
        if (dtype.size != 2) throw new IllegalStateException("not a 16-bit tensor: " + dtype.pyName());
        checkFitsArray();
        short[] out = new short[(int) numel()];
        data().asShortBuffer().get(out);
        return out;
    }

    /**
     * Creates an NDArray on the manager's device. float32 from a direct buffer shares memory on CPU;
     * bfloat16 becomes float32 (a BF16 NDArray aborts the JVM on the CPU build); int16/uint16 become
     * int32 for the same reason; float16 stays float16 unless {@code widenHalf}.
     */
    public NDArray toNDArray(NDManager manager, boolean widenHalf) {
        Shape s = new Shape(shape);
        switch (dtype) {
            case BFLOAT16:
                return manager.create(toFloatArray(), s);
            case FLOAT16:
                if (widenHalf) return manager.create(toFloatArray(), s);
                return manager.create(direct(), s, DataType.FLOAT16);
            case INT16:
            case UINT16: {
                long[] v = toLongArray();
                int[] iv = new int[v.length];
                for (int i = 0; i < v.length; i++) iv[i] = (int) v[i];
                return manager.create(iv, s);
            }
            default:
                return manager.create(direct(), s, switch (dtype) {
                    case FLOAT32 -> DataType.FLOAT32;
                    case FLOAT64 -> DataType.FLOAT64;
                    case INT64 -> DataType.INT64;
                    case INT32 -> DataType.INT32;
                    case INT8 -> DataType.INT8;
                    case UINT8 -> DataType.UINT8;
                    case BOOL -> DataType.BOOLEAN;
                    default -> throw new AssertionError(dtype);
                });
        }
    }

    /** {@link #toNDArray(NDManager, boolean)} with float16 widened to float32. */
    public NDArray toNDArray(NDManager manager) {
        return toNDArray(manager, true);
    }

    private ByteBuffer direct() {
        if (data.isDirect()) return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(data.duplicate()).flip();
        return b;
    }

    @Override
    public String toString() {
        return "HostTensor(" + dtype.pyName() + ", " + Arrays.toString(shape) + ")";
    }
}
