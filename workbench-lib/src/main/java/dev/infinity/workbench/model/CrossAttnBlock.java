package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.nn.Linear;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.Parameter;

/**
 * One transformer block (official {@code CrossAttnBlock}, pre-norm with adaptive LayerNorm):
 * <pre>
 *   (gamma1, gamma2, scale1, scale2, shift1, shift2) = ada_gss + shared_gss      (or ada_lin(cond) if not shared)
 *   x += SA(LN(x) * (1 + scale1) + shift1) * gamma1
 *   x += CA(ca_norm(x)) * ca_gamma
 *   x += FFN(LN(x) * (1 + scale2) + shift2) * gamma2
 * </pre>
 */
public final class CrossAttnBlock extends Module {
    final Parameter adaGss;     // (1, 1, 6, C) with shared AdaLN
    final Linear adaLin;        // D → 6C otherwise (after SiLU)
    final SelfAttention sa;
    final CrossAttention ca;
    final FeedForward ffn;
    final Parameter caNormWeight, caNormBias, caGamma;
    private final int embedDim;
    private final float eps;

    CrossAttnBlock(NDManager manager, InfinityConfig cfg) {
        super(manager);
        int c = cfg.embedDim();
        this.embedDim = c;
        this.eps = cfg.normEps();
        if (cfg.sharedAln()) {
            adaGss = param("ada_gss", manager.randomNormal(new Shape(1, 1, 6, c)).div((float) Math.sqrt(c)));
            adaLin = null;
        } else {
            adaGss = null;
            adaLin = child("ada_lin.1", new Linear(manager, c, 6L * c, true));
        }
        sa = child("sa", new SelfAttention(manager, c, cfg.numHeads(), cfg.cosAttn()));
        ca = child("ca", new CrossAttention(manager, c, c, cfg.numHeads(), false));
        ffn = child("ffn", new FeedForward(manager, c, cfg.ffnHidden(), cfg.swiglu()));
        caNormWeight = param("ca_norm.weight", manager.ones(new Shape(c)));
        caNormBias = param("ca_norm.bias", manager.zeros(new Shape(c)));
        caGamma = cfg.crossAttnLayerScale() >= 0 ? param("ca_gamma", manager.full(new Shape(c), (float) cfg.crossAttnLayerScale())) : null;
    }

    /**
     * @param x    (B, l, C)
     * @param cond the shared (B, 1, 6, C) gamma/scale/shift, or cond_BD (B, D) when AdaLN is not shared
     */
    NDArray forward(NDArray x, NDArray cond, NDArray textKv, int[] cuSeqlens, NDArray cos, NDArray sin, int[] segments, KvCache.Layer cache) {
        NDArray gss = adaGss != null ? cond.add(adaGss.array())
                : adaLin.forward(Ops.silu(cond)).reshape(-1, 1, 6, embedDim);
        NDList p = gss.split(6, 2);
        NDArray gamma1 = p.get(0).squeeze(2), gamma2 = p.get(1).squeeze(2);
        NDArray scale1 = p.get(2).squeeze(2), scale2 = p.get(3).squeeze(2);
        NDArray shift1 = p.get(4).squeeze(2), shift2 = p.get(5).squeeze(2);
        x = x.add(sa.forward(Ops.adaLayerNorm(x, scale1, shift1, eps), cos, sin, segments, cache).mul(gamma1));
        NDArray caOut = ca.forward(Ops.layerNorm(x, caNormWeight.array(), caNormBias.array(), eps), textKv, cuSeqlens);
        x = x.add(caGamma == null ? caOut : caOut.mul(caGamma.array()));
        return x.add(ffn.forward(Ops.adaLayerNorm(x, scale2, shift2, eps)).mul(gamma2));
    }
}
