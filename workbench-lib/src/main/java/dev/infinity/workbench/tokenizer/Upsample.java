package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.nn.Conv2d;
import dev.infinity.workbench.nn.Module;

/** Doubles H and W: nearest-neighbour x2 (every pixel becomes a 2x2 block), then a 3x3 conv. */
public class Upsample extends Module {
    private final Conv2d conv;

    public Upsample(NDManager manager, int channels) {
        super(manager);
        conv = child("conv.conv", new Conv2d(manager, channels, channels, 3, 1, 1, true));
    }

    /** x (B, C, H, W) → (B, C, 2H, 2W). */
    public NDArray forward(NDArray x) {
        return conv.forward(nearest2x(x));
    }

    /** Exact nearest x2 via broadcasting (B, C, H, 1, W, 1) → (B, C, H, 2, W, 2); differentiable. */
    static NDArray nearest2x(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        return x.reshape(b, c, h, 1, w, 1).broadcast(new Shape(b, c, h, 2, w, 2)).reshape(b, c, 2 * h, 2 * w);
    }
}
