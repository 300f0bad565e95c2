package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.nn.Conv2d;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.nn.GroupNorm;
import dev.infinity.workbench.nn.Module;

/**
 * Pre-activation residual block: {@code x + conv2(Functional.silu(norm2(conv1(Functional.silu(norm1(x))))))}, with a 1x1
 * {@code nin_shortcut} on x when the channel count changes. The official code wraps every conv in a
 * {@code Conv} module ({@code .conv}) and every GroupNorm in a {@code Normalize} ({@code .norm}), which is
 * why the children are named {@code conv1.conv}, {@code norm1.norm}: the names are the checkpoint keys.
 */
public class ResnetBlock extends Module {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d ninShortcut; // null when in == out

    public ResnetBlock(NDManager manager, int in, int out, VaeConfig cfg) {
        super(manager);
        norm1 = child("norm1.norm", norm(manager, in, cfg));
        conv1 = child("conv1.conv", new Conv2d(manager, in, out, 3, 1, 1, true));
        norm2 = child("norm2.norm", norm(manager, out, cfg));
        conv2 = child("conv2.conv", new Conv2d(manager, out, out, 3, 1, 1, true));
        ninShortcut = in == out ? null : child("nin_shortcut.conv", new Conv2d(manager, in, out, 1, 1, 0, true));
    }

    /**
     * x (B, in, H, W) → (B, out, H, W). The block's temporaries live in a scope closed on return (DJL frees
     * nothing before its manager closes; at 256x256 x 128 channels each one is 32 MB). Autograd keeps its
     * own references to what backward needs, so this is safe while training too.
     */
    public NDArray forward(NDArray x) {
        NDManager caller = x.getManager();
        try (NDManager scope = caller.newSubManager()) {
            x.tempAttach(scope);
            NDArray h = conv1.forward(Functional.silu(norm1.forward(x)));
            h = conv2.forward(Functional.silu(norm2.forward(h)));
            NDArray shortcut = ninShortcut == null ? x : ninShortcut.forward(x);
            NDArray out = Functional.inference() ? h.addi(shortcut) : shortcut.add(h);
            out.attach(caller);
            return out;
        }
    }

    /** The official {@code Normalize}: GroupNorm, eps 1e-6, affine; groups from the config (officially 32, or 24). */
    static GroupNorm norm(NDManager manager, int channels, VaeConfig cfg) {
        return norm(manager, channels, cfg.groups(channels));
    }

    static GroupNorm norm(NDManager manager, int channels, int groups) {
        return new GroupNorm(manager, groups, channels, 1e-6f);
    }
}
