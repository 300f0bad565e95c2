package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.nn.Conv2d;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.nn.Module;

/**
 * Doubles H and W: nearest-neighbour x2 (every pixel becomes a 2x2 block), then a 3x3 conv (the official
 * {@code Upsample}, whose weights are {@code conv.conv.*}).
 *
 * <p>Computed without materialising the upsampled image. Along one axis, output row {@code 2i} of the conv sees
 * input rows {@code i-1, i, i} through taps {@code w0, w1, w2}, and row {@code 2i+1} sees {@code i, i, i+1}: each
 * output phase is a 2-tap conv of the input, with taps {@code (w0, w1+w2)} at offsets (-1, 0) and
 * {@code (w0+w1, w2)} at offsets (0, +1). In 2-D the four phases are four 2x2 convs, run as one conv with 4C
 * output channels; that is 16 instead of 36 multiply-adds per input pixel and channel pair, the same sums in
 * another order.
 */
public class Upsample extends Module {
    /** (phase a, tap r, 3x3 tap k): which of w0, w1, w2 each 2-tap kernel sums. */
    private static final float[] PHASE_TAPS = {1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1};

    private final Conv2d conv;

    public Upsample(NDManager manager, int channels) {
        super(manager);
        conv = child("conv.conv", new Conv2d(manager, channels, channels, 3, 1, 1, true));
    }

    /** x (B, C, H, W) → (B, C, 2H, 2W). */
    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        NDManager scope = x.getManager();
        NDArray kernels = Functional.inScope(phaseKernels(conv.weight.array()), scope);      // (4C, C, 2, 2)
        NDArray bias = Functional.inScope(conv.bias.array().tile(4), scope);                  // (4C)
        NDArray phases = ai.djl.nn.convolutional.Conv2d.conv2d(x, kernels, bias, new Shape(1, 1), new Shape(1, 1),
                new Shape(1, 1), 1).singletonOrThrow();                                       // (B, 4C, H+1, W+1)
        NDArray[] rows = new NDArray[2];
        for (int a = 0; a < 2; a++) {
            NDArray[] columns = new NDArray[2];
            for (int bPhase = 0; bPhase < 2; bPhase++) {
                long first = (2L * a + bPhase) * c; // phase (a, b) at rows a .. a+H, columns b .. b+W
                columns[bPhase] = phases.get(new NDIndex(":, {}:{}, {}:{}, {}:{}", first, first + c, a, a + h, bPhase, bPhase + w));
            }
            rows[a] = NDArrays.stack(new NDList(columns), 4);                                 // (B, C, H, W, 2)
        }
        return NDArrays.stack(new NDList(rows), 3).reshape(b, c, 2 * h, 2 * w);              // (B, C, H, 2, W, 2) → (B, C, 2H, 2W)
    }

    /** weight (C', C, 3, 3) → the four phases' 2x2 kernels (4C', C, 2, 2), phase (a, b) at output channels (2a+b)C'. */
    static NDArray phaseKernels(NDArray weight) {
        Shape s = weight.getShape();
        long out = s.get(0), in = s.get(1);
        // (4, 9, 4): for phase (a, b), tap (k, l) of the 3x3 kernel → tap (r, s) of its 2x2 kernel, PHASE_TAPS rows a ⊗ rows b
        NDArray combine = Functional.constant(weight.getDevice(), "upsample phase taps", m -> {
            NDArray taps = m.create(PHASE_TAPS, new Shape(2, 2, 3));                             // (a, r, k)
            return taps.reshape(2, 1, 2, 1, 3, 1).mul(taps.reshape(1, 2, 1, 2, 1, 3))          // (a, b, r, s, k, l)
                    .reshape(4, 4, 9).transpose(0, 2, 1).duplicate();
        });
        // one batched product, already in output-channel order: (1, C'C, 9) x (4, 9, 4) → (4, C'C, 4) = (4C', C, 2, 2)
        return weight.reshape(1, out * in, 9).matMul(combine).reshape(4 * out, in, 2, 2);
    }
}
