package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.nn.Linear;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.Parameter;

import java.util.List;

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

    /** The block's six AdaLN vectors for one conditioning, each (B, 1, C); gains are {@code 1 + scale}. */
    record Modulation(NDArray gamma1, NDArray gamma2, NDArray gain1, NDArray gain2, NDArray shift1, NDArray shift2) {
        List<NDArray> arrays() { return List.of(gamma1, gamma2, gain1, gain2, shift1, shift2); }
    }

    /** @param cond the shared (B, 1, 6, C) gamma/scale/shift, or cond_BD (B, D) when AdaLN is not shared */
    Modulation modulation(NDArray cond) {
        NDArray gss = adaGss != null ? cond.add(adaGss.array()) : adaLin.forward(Functional.silu(cond)).reshape(-1, 1, 6, embedDim);
        NDList p = gss.split(6, 2);
        NDArray one = Functional.constant(gss, 1f);
        return new Modulation(p.get(0).squeeze(2), p.get(1).squeeze(2), p.get(2).squeeze(2).add(one), p.get(3).squeeze(2).add(one),
                p.get(4).squeeze(2), p.get(5).squeeze(2));
    }

    /**
     * @param x     (B, l, C)
     * @param cond  see {@link #modulation}; with a cache, used at the first scale only
     * @param cache this block's inference state, or null for a teacher-forced pass
     * @return the block output on x's manager; the block's temporaries are freed on return (autograd keeps its own
     *         references to what backward needs), what it adds to the cache moves to x's manager
     */
    NDArray forward(NDArray x, NDArray cond, CrossAttention.TextKv textKv, NDArray cos, NDArray sin, int[] segments, KvCache.Layer cache) {
        NDManager caller = x.getManager();
        try (NDManager scope = caller.newSubManager()) {
            x.tempAttach(scope);
            Modulation m = cache == null ? modulation(cond) : cache.modulation != null ? cache.modulation : (cache.modulation = modulation(cond));
            NDArray h = x.add(Functional.mulOwned(sa.forward(Ops.modulate(x, m.gain1(), m.shift1(), eps), cos, sin, segments, cache), m.gamma1()));
            NDArray caOut = ca.forward(Ops.layerNorm(h, caNormWeight.array(), caNormBias.array(), eps), textKv);
            h = h.add(caGamma == null ? caOut : Functional.mulOwned(caOut, caGamma.array()));
            NDArray out = h.add(Functional.mulOwned(ffn.forward(Ops.modulate(h, m.gain2(), m.shift2(), eps)), m.gamma2()));
            out.attach(caller);
            if (cache != null) cache.attach(caller);
            return out;
        }
    }
}
