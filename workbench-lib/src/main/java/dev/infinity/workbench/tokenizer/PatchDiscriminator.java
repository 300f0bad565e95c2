package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import dev.infinity.workbench.nn.Conv2d;
import dev.infinity.workbench.nn.GroupNorm;
import dev.infinity.workbench.nn.Module;

import java.util.ArrayList;
import java.util.List;

/**
 * PatchGAN discriminator (pix2pix N-layer): 4x4 convs, stride 2 for {@code layers} steps doubling the channels
 * (at most 8x), then a stride-1 conv and a 1-channel conv giving one real/fake logit per patch. GroupNorm
 * replaces BatchNorm (batches are tiny here); LeakyReLU 0.2.
 */
public class PatchDiscriminator extends Module {
    private final List<Conv2d> convs = new ArrayList<>();
    private final List<GroupNorm> norms = new ArrayList<>(); // null for the first and last conv
    private final NDArray slope;

    public PatchDiscriminator(NDManager manager, int imageChannels, int channels, int layers) {
        super(manager);
        int in = imageChannels, out = channels;
        for (int i = 0; i <= layers; i++) {
            int stride = i < layers ? 2 : 1;
            convs.add(child("main." + i + ".conv", new Conv2d(manager, in, out, 4, stride, 1, true)));
            norms.add(i == 0 ? null : child("main." + i + ".norm", ResnetBlock.norm(manager, out, VaeConfig.groupsFor(out))));
            in = out;
            out = Math.min(out * 2, channels * 8);
        }
        convs.add(child("out", new Conv2d(manager, in, 1, 4, 1, 1, true)));
        norms.add(null);
        slope = manager.create(0.2f);
    }

    /** x (B, 3, H, W) → patch logits (B, 1, h, w). */
    public NDArray forward(NDArray x) {
        NDArray h = x;
        for (int i = 0; i < convs.size(); i++) {
            h = convs.get(i).forward(h);
            if (i == convs.size() - 1) break;
            if (norms.get(i) != null) h = norms.get(i).forward(h);
            h = leakyRelu(h);
        }
        return h;
    }

    /** max(x, 0.2 x), with the slope as an NDArray constant (scalar-argument ops can corrupt gradients). */
    private NDArray leakyRelu(NDArray x) {
        return Activation.relu(x).add(Activation.relu(x.neg()).neg().mul(slope));
    }
}
