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
 * Image → continuous latent h (B, d, H/p, W/p). conv_in, then per level {@code num_res_blocks}
 * ResnetBlocks at {@code base * ch_mult[level]} channels and (for the first log2(p) levels) a Downsample;
 * mid ResnetBlock, [attention], ResnetBlock; GroupNorm, swish, conv_out to d channels.
 */
public class Encoder extends Module {
    /** The output and the mid-block output (golden intermediate {@code encoder_mid_out}). */
    public record Features(NDArray h, NDArray mid) {}

    private final Conv2d convIn;
    private final List<List<ResnetBlock>> blocks = new ArrayList<>();
    private final List<Downsample> downsamples = new ArrayList<>(); // one per level, null where none
    private final ResnetBlock mid1;
    private final MidAttention midAttn; // null unless configured
    private final ResnetBlock mid2;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    public Encoder(NDManager manager, VaeConfig cfg) {
        super(manager);
        int[] mult = cfg.encoderChMult();
        int ch = cfg.baseChannels();
        convIn = child("conv_in.conv", new Conv2d(manager, cfg.imageChannels(), ch, 3, 1, 1, true));
        int in = ch;
        for (int level = 0; level < mult.length; level++) {
            int out = ch * mult[level];
            List<ResnetBlock> levelBlocks = new ArrayList<>();
            for (int i = 0; i < cfg.numResBlocks(); i++) {
                levelBlocks.add(child("down." + level + ".block." + i, new ResnetBlock(manager, in, out, cfg)));
                in = out;
            }
            blocks.add(levelBlocks);
            downsamples.add(level < cfg.downsamplings() ? child("down." + level + ".downsample", new Downsample(manager, in)) : null);
        }
        mid1 = child("mid.block_1", new ResnetBlock(manager, in, in, cfg));
        midAttn = cfg.midAttention() ? child("mid.attn_1", new MidAttention(manager, in, cfg)) : null;
        mid2 = child("mid.block_2", new ResnetBlock(manager, in, in, cfg));
        normOut = child("norm_out.norm", ResnetBlock.norm(manager, in, cfg));
        convOut = child("conv_out.conv", new Conv2d(manager, in, cfg.codebookDim(), 3, 1, 1, true));
    }

    /** x (B, 3, H, W) in [-1, 1] → h (B, d, H/p, W/p). */
    public NDArray forward(NDArray x) {
        return features(x).h();
    }

    public Features features(NDArray x) {
        NDArray h = convIn.forward(x);
        for (int level = 0; level < blocks.size(); level++) {
            for (ResnetBlock b : blocks.get(level)) h = b.forward(h);
            if (downsamples.get(level) != null) h = downsamples.get(level).forward(h);
        }
        h = mid1.forward(h);
        if (midAttn != null) h = midAttn.forward(h);
        NDArray mid = mid2.forward(h);
        return new Features(convOut.forward(Functional.silu(normOut.forward(mid))), mid);
    }
}
