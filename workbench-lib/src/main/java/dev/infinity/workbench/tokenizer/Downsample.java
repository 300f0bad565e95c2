package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.nn.Conv2d;
import dev.infinity.workbench.nn.Module;

/** Halves H and W: zero-pad one pixel on the right and bottom, then a 3x3 conv with stride 2 and no padding. */
public class Downsample extends Module {
    private final Conv2d conv;

    public Downsample(NDManager manager, int channels) {
        super(manager);
        conv = child("conv.conv", new Conv2d(manager, channels, channels, 3, 2, 0, true));
    }

    /** x (B, C, H, W) → (B, C, ceil(H/2), ceil(W/2)) for even sizes H/2, W/2. */
    public NDArray forward(NDArray x) {
        return conv.forward(x.pad(new Shape(0, 1, 0, 1), 0));     // (W left, W right, H top, H bottom), as F.pad
    }
}
