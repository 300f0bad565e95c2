package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.nn.Functional;
import dev.infinity.workbench.nn.Linear;
import dev.infinity.workbench.nn.Module;
import dev.infinity.workbench.nn.Parameter;

import java.util.List;

/**
 * Block-causal self-attention over the token map (official {@code SelfAttention}, key names {@code mat_qkv},
 * {@code q_bias}, {@code v_bias}, {@code zero_k_bias}, {@code scale_mul_1H11}, {@code proj}).
 *
 * <p>Cosine attention: q and k are L2-normalised per head, q is multiplied by the learned
 * {@code exp(min(scale_mul, ln 100))}, softmax scale 1; 2-D RoPE is applied after normalisation. Tokens of a
 * scale see all tokens of earlier scales and all of their own scale; attention is computed one scale block at
 * a time against its prefix, so memory stays O(l x prefix) and no mask is materialised.
 */
public final class SelfAttention extends Module {
    private static final float MAX_SCALE_MUL = (float) Math.log(100);

    final Parameter scaleMul;
    final Parameter qBias, vBias, zeroKBias;
    final Linear matQkv, proj;
    private final int heads, headDim;
    private final boolean cosAttn;

    SelfAttention(NDManager manager, int embedDim, int heads, boolean cosAttn) {
        super(manager);
        this.heads = heads;
        this.headDim = embedDim / heads;
        this.cosAttn = cosAttn;
        scaleMul = cosAttn ? param("scale_mul_1H11", manager.full(new Shape(1, heads, 1, 1), (float) Math.log(4))) : null;
        matQkv = child("mat_qkv", new Linear(manager, embedDim, 3L * embedDim, false));
        qBias = param("q_bias", manager.zeros(new Shape(embedDim)));
        vBias = param("v_bias", manager.zeros(new Shape(embedDim)));
        zeroKBias = buffer("zero_k_bias", manager.zeros(new Shape(embedDim)));
        proj = child("proj", new Linear(manager, embedDim, embedDim, true));
    }

    /**
     * The parameter-only factors of one forward: the q/k/v bias {@code [q_bias, 0, v_bias]} (3C) of {@code mat_qkv},
     * and with cosine attention the (2, 1, H, 1, 1) factor of the L2-normalised (q, k) pair:
     * {@code exp(min(scale_mul, ln 100))} for q, 1 for k (else null).
     */
    record Factors(NDArray qkvBias, NDArray qkScale) {
        List<NDArray> arrays() { return qkScale == null ? List.of(qkvBias) : List.of(qkvBias, qkScale); }
    }

    Factors factors(NDArray like) {
        // each op on a parameter puts its result on the parameter's manager: move it at once, or every call leaks it
        NDArray bias = Ops.onManagerOf(like, NDArrays.concat(new NDList(qBias.array(), zeroKBias.array(), vBias.array())));
        if (!cosAttn) return new Factors(bias, null);
        NDArray mul = Ops.onManagerOf(like, scaleMul.array().minimum(Functional.constant(like, MAX_SCALE_MUL))).exp();   // 1 H 1 1
        return new Factors(bias, mul.stack(like.getManager().ones(mul.getShape()), 0));
    }

    /**
     * @param x        (B, l, C) tokens of one or more consecutive scales
     * @param cos      (l, hd) RoPE factors of these tokens ({@link Rope2d.Table#slice}); sin likewise
     * @param segments token counts of the scales inside x, in order
     * @param cache    keys/values of all earlier tokens (updated with these), or null when x starts at token 0
     * @return (B, l, C)
     */
    NDArray forward(NDArray x, NDArray cos, NDArray sin, int[] segments, KvCache.Layer cache) {
        Shape s = x.getShape();
        long b = s.get(0), l = s.get(1), c = s.get(2);
        Factors f = cache == null ? factors(x) : cache.attention != null ? cache.attention : (cache.attention = factors(x));
        NDArray qkv = Functional.linear(x, matQkv.weight.array(), f.qkvBias()).reshape(b, l, 3, heads, headDim).transpose(2, 0, 3, 1, 4);   // 3 B H l hd
        NDArray qk = qkv.get("0:2"), v = qkv.get(2);
        float scale = 1f;
        if (cosAttn) {
            qk = Functional.mulOwned(qk.normalize(2, -1, 1e-12), f.qkScale());
        } else {
            scale = (float) (1 / Math.sqrt(headDim));
        }
        qk = Rope2d.apply(qk, cos, sin);
        NDArray q = qk.get(0), k = qk.get(1);
        long prefix = 0;
        if (cache != null) {
            if (cache.k != null) {
                prefix = cache.k.getShape().get(2);
                NDArray oldK = cache.k, oldV = cache.v;
                k = oldK.concat(k, 2);
                v = oldV.concat(v, 2);
                oldK.close();
                oldV.close();
            }
            cache.k = k;
            cache.v = v;
        }
        long total = prefix + l;
        NDList outs = new NDList();
        long off = 0;
        for (int n : segments) {
            long end = prefix + off + n;
            NDArray qs = n == l ? q : q.get(":, :, {}:{}", off, off + n);
            NDArray ks = end == total ? k : k.get(":, :, :{}", end), vs = end == total ? v : v.get(":, :, :{}", end);
            NDArray scores = qs.matMul(ks.transpose(0, 1, 3, 2));
            if (scale != 1f) scores = Functional.mulOwned(scores, Functional.constant(x, scale));
            outs.add(scores.softmax(-1).matMul(vs));
            off += n;
        }
        if (off != l) throw new IllegalArgumentException("segments cover " + off + " tokens, x has " + l);
        NDArray o = (outs.size() == 1 ? outs.head() : NDArrays.concat(outs, 2)).transpose(0, 2, 1, 3).reshape(b, l, c);
        return proj.forward(o);
    }
}
