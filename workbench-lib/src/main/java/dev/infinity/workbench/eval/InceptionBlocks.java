package dev.infinity.workbench.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import dev.infinity.workbench.nn.BatchNorm2d;
import dev.infinity.workbench.nn.Conv2d;
import dev.infinity.workbench.nn.Module;

import java.util.function.IntUnaryOperator;

/**
 * The building blocks of the FID Inception-v3 (torchvision's Inception3 layout with pytorch-fid's patched
 * A/C/E blocks). Child names are the checkpoint's ({@code branch5x5_1.conv.weight}, ...). Channel counts pass
 * through {@code width} so that tests can build a narrower copy with the same structure and key names.
 */
final class InceptionBlocks {
    private InceptionBlocks() {}

    /** A block of the network: (B, in, H, W) → (B, outChannels, H', W'). */
    interface Block {
        NDArray forward(NDArray x);
        long outChannels();
    }

    /** conv (no bias) → batch norm (eps 1e-3) → ReLU: torchvision's {@code BasicConv2d}. */
    static final class BasicConv extends Module implements Block {
        private final Conv2d conv;
        private final BatchNorm2d bn;
        private final long out;

        BasicConv(NDManager m, long in, long out, int kh, int kw, int stride, int padH, int padW) {
            super(m);
            this.out = out;
            conv = child("conv", new Conv2d(m, in, out, kh, kw, stride, padH, padW, false));
            bn = child("bn", new BatchNorm2d(m, out, 1e-3f));
        }

        BasicConv(NDManager m, long in, long out, int k, int stride, int pad) { this(m, in, out, k, k, stride, pad, pad); }

        @Override public NDArray forward(NDArray x) { return ai.djl.nn.Activation.relu(bn.forward(conv.forward(x))); }
        @Override public long outChannels() { return out; }
    }

    static NDArray maxPool3x3(NDArray x, int stride, int pad) {
        return Pool.maxPool2d(x, new Shape(3, 3), new Shape(stride, stride), new Shape(pad, pad), false);
    }

    /**
     * 3x3 average pool, stride 1, pad 1, padded zeros not counted (TensorFlow's behaviour, the FID patch). DJL 0.36's
     * PyTorch engine ignores {@code countIncludePad=false} (always counts the padding), so the window sums are divided
     * by the number of real pixels per window: the same pool over ones, which is 1 inside and 4/9 or 6/9 at the border.
     */
    static NDArray avgPoolExcludingPad(NDArray x) {
        Shape k = new Shape(3, 3), stride = new Shape(1, 1), pad = new Shape(1, 1);
        Shape s = x.getShape();
        NDArray counts = Pool.avgPool2d(x.getManager().ones(new Shape(1, 1, s.get(2), s.get(3))), k, stride, pad, false, true);
        return Pool.avgPool2d(x, k, stride, pad, false, true).div(counts); // (B, C, H, W) / (1, 1, H, W)
    }

    static NDArray cat(NDArray... parts) { return NDArrays.concat(new NDList(parts), 1); }

    /** FIDInceptionA: 1x1 | 1x1→5x5 | 1x1→3x3→3x3 | avgpool→1x1. */
    static final class InceptionA extends Module implements Block {
        private final BasicConv b1, b5a, b5b, d1, d2, d3, pool;

        InceptionA(NDManager m, long in, int poolFeatures, IntUnaryOperator w) {
            super(m);
            b1 = child("branch1x1", new BasicConv(m, in, w.applyAsInt(64), 1, 1, 0));
            b5a = child("branch5x5_1", new BasicConv(m, in, w.applyAsInt(48), 1, 1, 0));
            b5b = child("branch5x5_2", new BasicConv(m, w.applyAsInt(48), w.applyAsInt(64), 5, 1, 2));
            d1 = child("branch3x3dbl_1", new BasicConv(m, in, w.applyAsInt(64), 1, 1, 0));
            d2 = child("branch3x3dbl_2", new BasicConv(m, w.applyAsInt(64), w.applyAsInt(96), 3, 1, 1));
            d3 = child("branch3x3dbl_3", new BasicConv(m, w.applyAsInt(96), w.applyAsInt(96), 3, 1, 1));
            pool = child("branch_pool", new BasicConv(m, in, w.applyAsInt(poolFeatures), 1, 1, 0));
        }

        @Override
        public NDArray forward(NDArray x) {
            return cat(b1.forward(x), b5b.forward(b5a.forward(x)), d3.forward(d2.forward(d1.forward(x))),
                    pool.forward(avgPoolExcludingPad(x)));
        }

        @Override public long outChannels() { return b1.outChannels() + b5b.outChannels() + d3.outChannels() + pool.outChannels(); }
    }

    /** InceptionB (grid reduction): 3x3/2 | 1x1→3x3→3x3/2 | maxpool/2. */
    static final class InceptionB extends Module implements Block {
        private final BasicConv b3, d1, d2, d3;
        private final long in;

        InceptionB(NDManager m, long in, IntUnaryOperator w) {
            super(m);
            this.in = in;
            b3 = child("branch3x3", new BasicConv(m, in, w.applyAsInt(384), 3, 2, 0));
            d1 = child("branch3x3dbl_1", new BasicConv(m, in, w.applyAsInt(64), 1, 1, 0));
            d2 = child("branch3x3dbl_2", new BasicConv(m, w.applyAsInt(64), w.applyAsInt(96), 3, 1, 1));
            d3 = child("branch3x3dbl_3", new BasicConv(m, w.applyAsInt(96), w.applyAsInt(96), 3, 2, 0));
        }

        @Override
        public NDArray forward(NDArray x) {
            return cat(b3.forward(x), d3.forward(d2.forward(d1.forward(x))), maxPool3x3(x, 2, 0));
        }

        @Override public long outChannels() { return b3.outChannels() + d3.outChannels() + in; }
    }

    /** FIDInceptionC: 1x1 | 1x1→1x7→7x1 | 1x1→7x1→1x7→7x1→1x7 | avgpool→1x1. */
    static final class InceptionC extends Module implements Block {
        private final BasicConv b1, s1, s2, s3, d1, d2, d3, d4, d5, pool;

        InceptionC(NDManager m, long in, int channels7x7, IntUnaryOperator w) {
            super(m);
            long c7 = w.applyAsInt(channels7x7), c192 = w.applyAsInt(192);
            b1 = child("branch1x1", new BasicConv(m, in, c192, 1, 1, 0));
            s1 = child("branch7x7_1", new BasicConv(m, in, c7, 1, 1, 0));
            s2 = child("branch7x7_2", new BasicConv(m, c7, c7, 1, 7, 1, 0, 3));
            s3 = child("branch7x7_3", new BasicConv(m, c7, c192, 7, 1, 1, 3, 0));
            d1 = child("branch7x7dbl_1", new BasicConv(m, in, c7, 1, 1, 0));
            d2 = child("branch7x7dbl_2", new BasicConv(m, c7, c7, 7, 1, 1, 3, 0));
            d3 = child("branch7x7dbl_3", new BasicConv(m, c7, c7, 1, 7, 1, 0, 3));
            d4 = child("branch7x7dbl_4", new BasicConv(m, c7, c7, 7, 1, 1, 3, 0));
            d5 = child("branch7x7dbl_5", new BasicConv(m, c7, c192, 1, 7, 1, 0, 3));
            pool = child("branch_pool", new BasicConv(m, in, c192, 1, 1, 0));
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray dbl = d5.forward(d4.forward(d3.forward(d2.forward(d1.forward(x)))));
            return cat(b1.forward(x), s3.forward(s2.forward(s1.forward(x))), dbl, pool.forward(avgPoolExcludingPad(x)));
        }

        @Override public long outChannels() { return b1.outChannels() + s3.outChannels() + d5.outChannels() + pool.outChannels(); }
    }

    /** InceptionD (grid reduction): 1x1→3x3/2 | 1x1→1x7→7x1→3x3/2 | maxpool/2. */
    static final class InceptionD extends Module implements Block {
        private final BasicConv a1, a2, b1, b2, b3, b4;
        private final long in;

        InceptionD(NDManager m, long in, IntUnaryOperator w) {
            super(m);
            this.in = in;
            long c192 = w.applyAsInt(192);
            a1 = child("branch3x3_1", new BasicConv(m, in, c192, 1, 1, 0));
            a2 = child("branch3x3_2", new BasicConv(m, c192, w.applyAsInt(320), 3, 2, 0));
            b1 = child("branch7x7x3_1", new BasicConv(m, in, c192, 1, 1, 0));
            b2 = child("branch7x7x3_2", new BasicConv(m, c192, c192, 1, 7, 1, 0, 3));
            b3 = child("branch7x7x3_3", new BasicConv(m, c192, c192, 7, 1, 1, 3, 0));
            b4 = child("branch7x7x3_4", new BasicConv(m, c192, c192, 3, 2, 0));
        }

        @Override
        public NDArray forward(NDArray x) {
            return cat(a2.forward(a1.forward(x)), b4.forward(b3.forward(b2.forward(b1.forward(x)))), maxPool3x3(x, 2, 0));
        }

        @Override public long outChannels() { return a2.outChannels() + b4.outChannels() + in; }
    }

    /**
     * FIDInceptionE_1 / _2: 1x1 | 1x1→(1x3, 3x1) | 1x1→3x3→(1x3, 3x1) | pool→1x1. The pool is the 3x3 average
     * without padded zeros in Mixed_7b and a 3x3 max pool in Mixed_7c (the FID network's quirk).
     */
    static final class InceptionE extends Module implements Block {
        private final BasicConv b1, s1, s2a, s2b, d1, d2, d3a, d3b, pool;
        private final boolean maxPool;

        InceptionE(NDManager m, long in, boolean maxPool, IntUnaryOperator w) {
            super(m);
            this.maxPool = maxPool;
            long c384 = w.applyAsInt(384);
            b1 = child("branch1x1", new BasicConv(m, in, w.applyAsInt(320), 1, 1, 0));
            s1 = child("branch3x3_1", new BasicConv(m, in, c384, 1, 1, 0));
            s2a = child("branch3x3_2a", new BasicConv(m, c384, c384, 1, 3, 1, 0, 1));
            s2b = child("branch3x3_2b", new BasicConv(m, c384, c384, 3, 1, 1, 1, 0));
            d1 = child("branch3x3dbl_1", new BasicConv(m, in, w.applyAsInt(448), 1, 1, 0));
            d2 = child("branch3x3dbl_2", new BasicConv(m, w.applyAsInt(448), c384, 3, 1, 1));
            d3a = child("branch3x3dbl_3a", new BasicConv(m, c384, c384, 1, 3, 1, 0, 1));
            d3b = child("branch3x3dbl_3b", new BasicConv(m, c384, c384, 3, 1, 1, 1, 0));
            pool = child("branch_pool", new BasicConv(m, in, w.applyAsInt(192), 1, 1, 0));
        }

        @Override
        public NDArray forward(NDArray x) {
            NDArray s = s1.forward(x);
            NDArray d = d2.forward(d1.forward(x));
            NDArray pooled = maxPool ? maxPool3x3(x, 1, 1) : avgPoolExcludingPad(x);
            return cat(b1.forward(x), s2a.forward(s), s2b.forward(s), d3a.forward(d), d3b.forward(d), pool.forward(pooled));
        }

        @Override
        public long outChannels() {
            return b1.outChannels() + 2 * s2a.outChannels() + 2 * d3a.outChannels() + pool.outChannels();
        }
    }
}
