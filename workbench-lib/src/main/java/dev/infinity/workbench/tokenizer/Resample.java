package dev.infinity.workbench.tokenizer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resizing of the last two axes (H, W) of a tensor (B, C, H, W) with PyTorch {@code F.interpolate(size=...)}
 * semantics, differentiable, on any device.
 *
 * <p>Each mode is a separable linear map {@code out = Ry · x · Rxᵀ}; the 1-D matrices are built once per
 * (mode, in, out, device) and cached. DJL's own bilinear downsampling antialiases (PyTorch's does not), so
 * matrices are the exact route; area and nearest use the same machinery for one code path.
 * <ul>
 *   <li>{@link #area}: adaptive average pooling, cell i averages input {@code floor(i*In/Out) .. ceil((i+1)*In/Out)-1}
 *       (windows overlap when In/Out is not an integer).</li>
 *   <li>{@link #bilinear}: align_corners=False, no antialias, up and down: source {@code (dst+0.5)*In/Out-0.5}
 *       clamped at 0, neighbours {@code floor} and {@code min(floor+1, In-1)}, float32 arithmetic as PyTorch.</li>
 *   <li>{@link #nearest}: PyTorch's legacy 'nearest': source {@code min(floor(dst * (In/Out)), In-1)}.</li>
 * </ul>
 * An axis whose size does not change is left untouched (all three modes are the identity then).
 */
public final class Resample {
    private enum Mode { AREA, BILINEAR, NEAREST }

    private record Key(Mode mode, int in, int out, Device device) {}

    private static final Map<Key, NDArray> CACHE = new ConcurrentHashMap<>();
    private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();

    private Resample() {}

    /** Adaptive average pooling of (..., H, W) to (..., h, w). */
    public static NDArray area(NDArray x, int h, int w) { return resize(x, h, w, Mode.AREA); }

    /** Bilinear resize (align_corners=False, no antialias) of (..., H, W) to (..., h, w). */
    public static NDArray bilinear(NDArray x, int h, int w) { return resize(x, h, w, Mode.BILINEAR); }

    /** Nearest-neighbour resize (PyTorch 'nearest') of (..., H, W) to (..., h, w). */
    public static NDArray nearest(NDArray x, int h, int w) { return resize(x, h, w, Mode.NEAREST); }

    public static NDArray area(NDArray x, ScaleSchedule.Scale s) { return area(x, s.h(), s.w()); }
    public static NDArray bilinear(NDArray x, ScaleSchedule.Scale s) { return bilinear(x, s.h(), s.w()); }
    public static NDArray nearest(NDArray x, ScaleSchedule.Scale s) { return nearest(x, s.h(), s.w()); }

    private static NDArray resize(NDArray x, int h, int w, Mode mode) {
        Shape shape = x.getShape();
        int rank = shape.dimension();
        if (rank < 2) throw new IllegalArgumentException("resize needs (..., H, W), got shape " + shape);
        if (h <= 0 || w <= 0) throw new IllegalArgumentException("target size must be positive, got " + h + "x" + w);
        int inH = Math.toIntExact(shape.get(rank - 2));
        int inW = Math.toIntExact(shape.get(rank - 1));
        NDArray out = x;
        if (w != inW) out = alongLastAxis(out, inW, w, mode);          // (..., H, w)
        if (h != inH) {
            out = out.swapAxes(rank - 1, rank - 2);                      // (..., w, H)
            out = alongLastAxis(out, inH, h, mode).swapAxes(rank - 1, rank - 2); // (..., h, w)
        }
        return out;
    }

    /** Resizes the last axis from {@code in} to {@code out}; the result stays on x's manager. */
    private static NDArray alongLastAxis(NDArray x, int in, int out, Mode mode) {
        if (mode == Mode.NEAREST && out % in == 0 && isPlainRepeat(in, out)) {
            return x.repeat(x.getShape().dimension() - 1, out / in);
        }
        return x.matMul(matrix(mode, in, out, x.getDevice()));
    }

    /** The cached (in, out) matrix Rᵀ of one axis, so that {@code x · Rᵀ} resizes x's last axis. */
    private static NDArray matrix(Mode mode, int in, int out, Device device) {
        return CACHE.computeIfAbsent(new Key(mode, in, out, device), k -> {
            NDManager m = MANAGERS.computeIfAbsent(device, d -> NDManager.newBaseManager(d));
            return m.create(weights(mode, in, out), new Shape(in, out));
        });
    }

    /** Rᵀ as a row-major (in, out) array: column j holds the weights of output j. */
    static float[] weights(Mode mode, int in, int out) {
        float[] rt = new float[in * out];
        for (int j = 0; j < out; j++) {
            switch (mode) {
                case AREA -> {
                    int start = (int) ((long) j * in / out);
                    int end = (int) (((long) (j + 1) * in + out - 1) / out);
                    float wgt = 1f / (end - start);
                    for (int i = start; i < end; i++) rt[i * out + j] = wgt;
                }
                case BILINEAR -> {
                    float scale = (float) in / out;
                    float src = Math.max(scale * (j + 0.5f) - 0.5f, 0f);
                    int i0 = (int) src;
                    int i1 = Math.min(i0 + 1, in - 1);
                    float l1 = src - i0;
                    float l0 = 1f - l1;
                    rt[i0 * out + j] += l0;
                    rt[i1 * out + j] += l1;
                }
                case NEAREST -> rt[nearestSource(in, out, j) * out + j] = 1f;
            }
        }
        return rt;
    }

    private static int nearestSource(int in, int out, int j) {
        float scale = (float) in / out;
        return Math.min((int) Math.floor(j * scale), in - 1);
    }

    /** True when nearest upsampling by out/in picks source j / (out/in) for every j (then it is a repeat). */
    private static boolean isPlainRepeat(int in, int out) {
        int k = out / in;
        for (int j = 0; j < out; j++) if (nearestSource(in, out, j) != j / k) return false;
        return true;
    }

    /** For tests and diagnostics: Rᵀ of one axis as an (in, out) array of weights. */
    public static float[][] axisWeights(String mode, int in, int out) {
        float[] rt = weights(Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)), in, out);
        float[][] r = new float[in][out];
        for (int i = 0; i < in; i++) System.arraycopy(rt, i * out, r[i], 0, out);
        return r;
    }
}
