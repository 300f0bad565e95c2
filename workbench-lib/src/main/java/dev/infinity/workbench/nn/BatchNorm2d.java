package dev.infinity.workbench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code torch.nn.BatchNorm2d} in eval mode (frozen running statistics), NCHW:
 * {@code (x - running_mean) / sqrt(running_var + eps) * weight + bias}. Keys: weight, bias, running_mean,
 * running_var (a checkpoint's {@code num_batches_tracked} carries no information in eval mode: skip it when loading).
 */
public class BatchNorm2d extends Module {
    public final Parameter weight;
    public final Parameter bias;
    public final Parameter runningMean;
    public final Parameter runningVar;
    private final float eps;
    /** (1, C, 1, 1) scale and shift folded from the four tensors; refolded when a tensor is replaced. */
    private NDArray scale, shift;
    private NDArray[] foldedFrom;

    public BatchNorm2d(NDManager manager, long channels, float eps) {
        super(manager);
        this.eps = eps;
        this.weight = param("weight", manager.ones(new Shape(channels)));
        this.bias = param("bias", manager.zeros(new Shape(channels)));
        this.runningMean = buffer("running_mean", manager.zeros(new Shape(channels)));
        this.runningVar = buffer("running_var", manager.ones(new Shape(channels)));
    }

    /** x (B, C, H, W) → same shape. */
    public NDArray forward(NDArray x) {
        fold();
        return x.mul(scale).add(shift);
    }

    private void fold() {
        NDArray[] now = {weight.array(), bias.array(), runningMean.array(), runningVar.array()};
        if (foldedFrom != null && java.util.Arrays.equals(foldedFrom, now)) return;
        if (scale != null) {
            scale.close();
            shift.close();
        }
        long c = now[0].getShape().get(0);
        float[] w = now[0].toFloatArray(), b = now[1].toFloatArray(), mean = now[2].toFloatArray(), var = now[3].toFloatArray();
        float[] s = new float[(int) c], t = new float[(int) c];
        for (int i = 0; i < c; i++) {
            s[i] = (float) (w[i] / Math.sqrt(var[i] + (double) eps));
            t[i] = b[i] - mean[i] * s[i];
        }
        Shape perChannel = new Shape(1, c, 1, 1);
        scale = manager.create(s, perChannel).toDevice(now[0].getDevice(), false);
        shift = manager.create(t, perChannel).toDevice(now[0].getDevice(), false);
        foldedFrom = now;
    }
}
