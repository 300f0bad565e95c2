package dev.infinity.workbench.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.infinity.workbench.eval.InceptionBlocks.BasicConv;
import dev.infinity.workbench.eval.InceptionBlocks.Block;
import dev.infinity.workbench.eval.InceptionBlocks.InceptionA;
import dev.infinity.workbench.eval.InceptionBlocks.InceptionB;
import dev.infinity.workbench.eval.InceptionBlocks.InceptionC;
import dev.infinity.workbench.eval.InceptionBlocks.InceptionD;
import dev.infinity.workbench.eval.InceptionBlocks.InceptionE;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.ParameterLoader;
import dev.infinity.workbench.tokenizer.Resample;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Inception-v3 network of pytorch-fid (TensorFlow's 2015-12-05 FID graph): input in [0, 1], bilinear resize
 * to 299x299 (align_corners=False, no antialias), scaled to [-1, 1], then the stem, Mixed_5b..Mixed_7c and a global
 * average pool, giving the 2048-d pool3 features FID is computed on.
 *
 * <p>Weights come from {@value #WEIGHTS_FILE} (pytorch-fid's release "fid_weights"), loaded by key name
 * ({@code Conv2d_1a_3x3.conv.weight}, {@code Mixed_7c.branch_pool.bn.running_var}, ...); the classifier
 * {@code fc.*} and any {@code num_batches_tracked} keys are skipped. Batch norm runs in eval mode with eps 1e-3,
 * folded into a per-channel scale and shift.
 */
public final class InceptionV3Fid extends Module {
    public static final String WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.pth";
    public static final int INPUT_SIZE = 299;

    private final List<Block> stem1 = new ArrayList<>(), stem2 = new ArrayList<>(), mixed = new ArrayList<>();
    private final long featureDim;

    /** widthDivisor 1 is the real network; larger values divide every channel count (tests, benchmarks). */
    private InceptionV3Fid(NDManager m, int widthDivisor) {
        super(m);
        java.util.function.IntUnaryOperator w = c -> Math.max(1, c / widthDivisor);
        stem1.add(child("Conv2d_1a_3x3", new BasicConv(m, 3, w.applyAsInt(32), 3, 2, 0)));
        stem1.add(child("Conv2d_2a_3x3", new BasicConv(m, w.applyAsInt(32), w.applyAsInt(32), 3, 1, 0)));
        stem1.add(child("Conv2d_2b_3x3", new BasicConv(m, w.applyAsInt(32), w.applyAsInt(64), 3, 1, 1)));
        stem2.add(child("Conv2d_3b_1x1", new BasicConv(m, w.applyAsInt(64), w.applyAsInt(80), 1, 1, 0)));
        stem2.add(child("Conv2d_4a_3x3", new BasicConv(m, w.applyAsInt(80), w.applyAsInt(192), 3, 1, 0)));
        long c = w.applyAsInt(192);
        c = add("Mixed_5b", new InceptionA(m, c, 32, w));
        c = add("Mixed_5c", new InceptionA(m, c, 64, w));
        c = add("Mixed_5d", new InceptionA(m, c, 64, w));
        c = add("Mixed_6a", new InceptionB(m, c, w));
        c = add("Mixed_6b", new InceptionC(m, c, 128, w));
        c = add("Mixed_6c", new InceptionC(m, c, 160, w));
        c = add("Mixed_6d", new InceptionC(m, c, 160, w));
        c = add("Mixed_6e", new InceptionC(m, c, 192, w));
        c = add("Mixed_7a", new InceptionD(m, c, w));
        c = add("Mixed_7b", new InceptionE(m, c, false, w));
        c = add("Mixed_7c", new InceptionE(m, c, true, w));
        featureDim = c;
    }

    private <B extends Module & Block> long add(String name, B block) {
        mixed.add(child(name, block));
        return block.outChannels();
    }

    /**
     * A network with random weights (no checkpoint): for tests and speed measurements only. Convolutions get He
     * scaling (variance 2 / fan_in) so that the signal survives the 17 ReLU layers and features depend on the input.
     */
    public static InceptionV3Fid random(NDManager manager, int widthDivisor) {
        if (widthDivisor < 1) throw new IllegalArgumentException("widthDivisor must be >= 1, got " + widthDivisor);
        InceptionV3Fid net = new InceptionV3Fid(manager, widthDivisor);
        for (var e : net.namedParameters().entrySet()) {
            if (!e.getKey().endsWith("conv.weight")) continue;
            try (NDArray scaled = e.getValue().array().mul((float) Math.sqrt(6))) { // uniform(±1/sqrt(fan_in)) has variance 1/(3 fan_in)
                e.getValue().set(scaled);
            }
        }
        return net;
    }

    /** The real FID network from a local copy of {@value #WEIGHTS_FILE}; fails clearly when the file is absent. */
    public static InceptionV3Fid load(NDManager manager, Path weights) {
        if (weights == null || !Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("Inception weights not found" + (weights == null ? "" : " at " + weights)
                    + ": obtain " + WEIGHTS_FILE + " (pytorch-fid release 'fid_weights', github.com/mseitzer/pytorch-fid)"
                    + " and pass its local path (InceptionV3Fid.load(manager, path), or --inception PATH on the command line)");
        }
        return load(manager, StateDict.load(weights), 1);
    }

    /** Loads a state dict (all keys of the network must be present, with matching shapes). */
    public static InceptionV3Fid load(NDManager manager, StateDict stateDict, int widthDivisor) {
        InceptionV3Fid net = new InceptionV3Fid(manager, widthDivisor);
        ParameterLoader.load(net, stateDict, InceptionV3Fid::checkpointKey, true);
        return net;
    }

    /** Checkpoint key → module name; null for the keys the feature extractor does not use. */
    static String checkpointKey(String key) {
        if (key.startsWith("fc.") || key.endsWith(".num_batches_tracked") || key.startsWith("AuxLogits.")) return null;
        return key;
    }

    public long featureDim() { return featureDim; }

    /** images (B, 3, H, W) with values in [0, 1] → pool3 features (B, featureDim). */
    public NDArray forward(NDArray images) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) throw new IllegalArgumentException("Inception input must be (B, 3, H, W), got " + s);
        NDArray x = Resample.bilinear(images, INPUT_SIZE, INPUT_SIZE).mul(2).sub(1);
        for (Block b : stem1) x = b.forward(x);
        x = InceptionBlocks.maxPool3x3(x, 2, 0);
        for (Block b : stem2) x = b.forward(x);
        x = InceptionBlocks.maxPool3x3(x, 2, 0);
        for (Block b : mixed) x = b.forward(x);
        return Pool.globalAvgPool2d(x).reshape(s.get(0), featureDim);
    }

    /** Features of 8-bit RGB images, {@code batchSize} at a time (consecutive images of equal size share a batch). */
    public double[][] features(List<BufferedImage> images, int batchSize) {
        double[][] out = new double[images.size()][];
        int i = 0;
        while (i < images.size()) {
            int w = images.get(i).getWidth(), h = images.get(i).getHeight();
            int j = i;
            while (j < images.size() && j - i < batchSize && images.get(j).getWidth() == w && images.get(j).getHeight() == h) j++;
            float[] batch = new float[(j - i) * 3 * h * w];
            for (int k = i; k < j; k++) {
                float[][] planes = Pixels.of(images.get(k)).planes();
                for (int c = 0; c < 3; c++) {
                    int base = ((k - i) * 3 + c) * h * w;
                    for (int p = 0; p < h * w; p++) batch[base + p] = planes[c][p] / 255f;
                }
            }
            try (NDManager scope = manager.newSubManager()) {
                float[] f = forward(scope.create(batch, new Shape(j - i, 3, h, w))).toFloatArray();
                for (int k = i; k < j; k++) {
                    double[] row = new double[(int) featureDim];
                    for (int d = 0; d < featureDim; d++) row[d] = f[(int) ((k - i) * featureDim + d)];
                    out[k] = row;
                }
            }
            i = j;
        }
        return out;
    }
}
