package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.nn.Conv2d;
import dev.infinity.workbench.nn.GroupNorm;
import dev.infinity.workbench.nn.Module;

/**
 * The optional mid-level spatial self-attention ({@code AttnBlock}, cnn_attention = yes): one head over
 * all H*W positions, q/k/v/proj as 1x1 convs, softmax scale 1/sqrt(C), residual.
 */
public class MidAttention extends Module {
    private final GroupNorm norm;
    private final Conv2d q;
    private final Conv2d k;
    private final Conv2d v;
    private final Conv2d projOut;

    public MidAttention(NDManager manager, int channels, VaeConfig cfg) {
        super(manager);
        norm = child("norm.norm", ResnetBlock.norm(manager, channels, cfg));
        q = child("q.conv", new Conv2d(manager, channels, channels, 1, 1, 0, true));
        k = child("k.conv", new Conv2d(manager, channels, channels, 1, 1, 0, true));
        v = child("v.conv", new Conv2d(manager, channels, channels, 1, 1, 0, true));
        projOut = child("proj_out.conv", new Conv2d(manager, channels, channels, 1, 1, 0, true));
    }

    /** x (B, C, H, W) → same shape. */
    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), hw = s.get(2) * s.get(3);
        NDArray h = norm.forward(x);
        NDArray qs = q.forward(h).reshape(b, c, hw).transpose(0, 2, 1);          // (B, HW, C)
        NDArray ks = k.forward(h).reshape(b, c, hw);                             // (B, C, HW)
        NDArray vs = v.forward(h).reshape(b, c, hw).transpose(0, 2, 1);          // (B, HW, C)
        NDArray scale = x.getManager().create((float) (1.0 / Math.sqrt(c)));
        NDArray attn = qs.matMul(ks).mul(scale).softmax(-1);                     // (B, HW, HW)
        NDArray out = attn.matMul(vs).transpose(0, 2, 1).reshape(s);
        return x.add(projOut.forward(out));
    }
}
