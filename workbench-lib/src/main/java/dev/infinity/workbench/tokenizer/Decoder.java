package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.nn.Conv2d;
import dev.infinity.workbench.nn.GroupNorm;
import dev.infinity.workbench.nn.Module;

import java.util.ArrayList;
import java.util.List;

/**
 * Latent (B, d, h, w) → image (B, 3, h*p, w*p), not clamped. conv_in, mid ResnetBlock, [attention],
 * ResnetBlock; then the levels from the last to the first ({@code up.<level>} is indexed by level, so
 * the deepest runs first), each {@code num_res_blocks + 1} ResnetBlocks and, for levels 1..log2(p),
 * an Upsample; GroupNorm, swish, conv_out.
 */
public class Decoder extends Module {
    private final Conv2d convIn;
    private final ResnetBlock mid1;
    private final MidAttention midAttn;
    private final ResnetBlock mid2;
    private final List<List<ResnetBlock>> blocks = new ArrayList<>();  // in execution order (deepest level first)
    private final List<Upsample> upsamples = new ArrayList<>();         // same order, null where none
    private final GroupNorm normOut;
    private final Conv2d convOut;

    public Decoder(NDManager manager, VaeConfig cfg) {
        super(manager);
        int[] mult = cfg.decoderChMult();
        int ch = cfg.baseChannels();
        int in = cfg.decoderMidChannels();
        convIn = child("conv_in.conv", new Conv2d(manager, cfg.codebookDim(), in, 3, 1, 1, true));
        mid1 = child("mid.block_1", new ResnetBlock(manager, in, in, cfg));
        midAttn = cfg.midAttention() ? child("mid.attn_1", new MidAttention(manager, in, cfg)) : null;
        mid2 = child("mid.block_2", new ResnetBlock(manager, in, in, cfg));
        for (int level = mult.length - 1; level >= 0; level--) {
            int out = ch * mult[level];
            List<ResnetBlock> levelBlocks = new ArrayList<>();
            for (int i = 0; i <= cfg.numResBlocks(); i++) {
                levelBlocks.add(child("up." + level + ".block." + i, new ResnetBlock(manager, in, out, cfg)));
                in = out;
            }
            blocks.add(levelBlocks);
            boolean up = level >= 1 && level <= cfg.downsamplings();
            upsamples.add(up ? child("up." + level + ".upsample", new Upsample(manager, in)) : null);
        }
        normOut = child("norm_out.norm", ResnetBlock.norm(manager, in, cfg));
        convOut = child("conv_out.conv", new Conv2d(manager, in, cfg.imageChannels(), 3, 1, 1, true));
    }

    /** z (B, d, h, w) → (B, 3, h*p, w*p), unclamped (training uses this). */
    public NDArray forward(NDArray z) {
        NDArray h = mid1.forward(convIn.forward(z));
        if (midAttn != null) h = midAttn.forward(h);
        h = mid2.forward(h);
        for (int i = 0; i < blocks.size(); i++) {
            for (ResnetBlock b : blocks.get(i)) h = b.forward(h);
            if (upsamples.get(i) != null) h = upsamples.get(i).forward(h);
        }
        return convOut.forward(Functional.silu(normOut.forward(h)));
    }
}
