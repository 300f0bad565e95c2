package dev.infinity.workbench.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.SafeTensors;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.nn.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InceptionV3FidTest {
    /** Noise over a few random coloured rectangles: images that differ in content, not only in noise. */
    static BufferedImage randomImage(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = im.createGraphics();
        for (int k = 0; k < 4; k++) {
            g.setColor(new java.awt.Color(r.nextInt(1 << 24)));
            g.fillRect(r.nextInt(w), r.nextInt(h), 1 + r.nextInt(w), 1 + r.nextInt(h));
        }
        g.dispose();
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) im.setRGB(x, y, im.getRGB(x, y) ^ r.nextInt(16) * 0x010101);
        return im;
    }

    @Test
    void fullWidthNetworkHasTheTorchvisionStructure() {
        try (NDManager m = NDManager.newBaseManager()) {
            InceptionV3Fid net = InceptionV3Fid.random(m, 1);
            assertEquals(2048, net.featureDim());
            // torchvision inception_v3: 27,161,264 parameters, minus fc (2,049,000) and AuxLogits (3,326,696).
            assertEquals(21_785_568, net.parameterCount());
            Map<String, Parameter> p = net.namedParameters();
            assertEquals(94 * 5, p.size(), "94 BasicConv2d, each conv.weight + 4 batch-norm tensors");
            assertEquals(new Shape(32, 3, 3, 3), p.get("Conv2d_1a_3x3.conv.weight").array().getShape());
            assertEquals(new Shape(160, 160, 1, 7), p.get("Mixed_6c.branch7x7_2.conv.weight").array().getShape());
            assertEquals(new Shape(384, 384, 3, 1), p.get("Mixed_7c.branch3x3dbl_3b.conv.weight").array().getShape());
            assertEquals(new Shape(192, 768, 1, 1), p.get("Mixed_7a.branch7x7x3_1.conv.weight").array().getShape());
            assertEquals(new Shape(192), p.get("Mixed_7c.branch_pool.bn.running_var").array().getShape());
        }
    }

    @Test
    void loadsAStateDictByKeyNameAndSkipsClassifierKeys(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            InceptionV3Fid source = InceptionV3Fid.random(m, 8);
            Map<String, HostTensor> sd = new LinkedHashMap<>();
            Random r = new Random(1);
            for (Map.Entry<String, Parameter> e : source.namedParameters().entrySet()) {
                float[] v = e.getValue().array().toFloatArray();
                if (e.getKey().endsWith("running_var")) for (int i = 0; i < v.length; i++) v[i] = 0.5f + r.nextFloat();
                if (e.getKey().endsWith("running_mean")) for (int i = 0; i < v.length; i++) v[i] = 0.1f * (float) r.nextGaussian();
                sd.put(e.getKey(), HostTensor.of(v, e.getValue().array().getShape().getShape()));
                if (e.getKey().endsWith("bn.running_var")) {
                    sd.put(e.getKey().replace("running_var", "num_batches_tracked"), HostTensor.of(new long[] {0}));
                }
            }
            sd.put("fc.weight", HostTensor.of(new float[10 * 256], 10, 256));
            sd.put("fc.bias", HostTensor.of(new float[10], 10));
            Path file = dir.resolve("inception.safetensors");
            SafeTensors.write(file, sd, Map.of());

            InceptionV3Fid a = InceptionV3Fid.load(m, StateDict.load(file), 8);
            InceptionV3Fid b = InceptionV3Fid.load(m, StateDict.load(file), 8);
            List<BufferedImage> images = List.of(randomImage(64, 48, 1), randomImage(64, 48, 2), randomImage(40, 40, 3));
            double[][] fa = a.features(images, 2), fb = b.features(images, 8);
            assertEquals(256, fa[0].length);
            for (int i = 0; i < 3; i++) assertArrayEquals(fa[i], fb[i], 1e-5, "batching must not change features");
            double diff = 0;
            for (int k = 0; k < fa[0].length; k++) diff = Math.max(diff, Math.abs(fa[0][k] - fa[1][k]));
            assertTrue(diff > 1e-3, "different images give different features: max difference " + diff);

            sd.remove("Mixed_6b.branch7x7dbl_3.bn.weight");
            SafeTensors.write(file, sd, Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InceptionV3Fid.load(m, StateDict.load(file), 8));
            assertTrue(e.getMessage().contains("Mixed_6b.branch7x7dbl_3.bn.weight"), e.getMessage());
        }
    }

    @Test
    void missingWeightsFileSaysWhatToObtain(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InceptionV3Fid.load(m, dir.resolve("nope.pth")));
            assertTrue(e.getMessage().contains(InceptionV3Fid.WEIGHTS_FILE) && e.getMessage().contains("nope.pth"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Rfid.compute(List.of(), List.of(), dir.resolve("nope.pth")));
        }
    }

    @Test
    void averagePoolDoesNotCountPaddedZeros() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] got = InceptionBlocks.avgPoolExcludingPad(m.ones(new Shape(1, 1, 4, 5))).toFloatArray();
            for (float v : got) assertEquals(1f, v, 1e-7f, "a corner window averages 4 real pixels, not 4 of 9");
            assertEquals(new Shape(1, 1, 4, 5), InceptionBlocks.maxPool3x3(m.ones(new Shape(1, 1, 4, 5)), 1, 1).getShape());
            assertEquals(new Shape(1, 1, 1, 2), InceptionBlocks.maxPool3x3(m.ones(new Shape(1, 1, 4, 5)), 2, 0).getShape());
        }
    }

    @Test
    void rectangularKernelsPadTheRightAxis() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 2, 3));
            dev.infinity.workbench.nn.Conv2d row = new dev.infinity.workbench.nn.Conv2d(m, 1, 1, 1, 3, 1, 0, 1, false);
            row.weight.set(m.create(new float[] {1, 10, 100}, new Shape(1, 1, 1, 3)));
            // out[y][x] = 1 * in[y][x-1] + 10 * in[y][x] + 100 * in[y][x+1], zeros outside
            assertArrayEquals(new float[] {210, 321, 32, 540, 654, 65}, row.forward(x).toFloatArray());
            dev.infinity.workbench.nn.Conv2d col = new dev.infinity.workbench.nn.Conv2d(m, 1, 1, 3, 1, 1, 1, 0, false);
            col.weight.set(m.create(new float[] {1, 10, 100}, new Shape(1, 1, 3, 1)));
            assertArrayEquals(new float[] {410, 520, 630, 41, 52, 63}, col.forward(x).toFloatArray());
        }
    }

    @Test
    void batchNormFoldsRunningStatistics() {
        try (NDManager m = NDManager.newBaseManager()) {
            dev.infinity.workbench.nn.BatchNorm2d bn = new dev.infinity.workbench.nn.BatchNorm2d(m, 2, 1e-3f);
            bn.weight.set(m.create(new float[] {2, 1}));
            bn.bias.set(m.create(new float[] {0.5f, -1}));
            bn.runningMean.set(m.create(new float[] {1, 0}));
            bn.runningVar.set(m.create(new float[] {4, 1}));
            NDArray y = bn.forward(m.create(new float[] {3, 5}, new Shape(1, 2, 1, 1)));
            float[] got = y.toFloatArray();
            assertEquals((3 - 1) / Math.sqrt(4.001) * 2 + 0.5, got[0], 1e-6);
            assertEquals(5 / Math.sqrt(1.001) - 1, got[1], 1e-6);
        }
    }

    @Test
    void rfidOfIdenticalSetsIsZeroAndStatisticsReload(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            InceptionV3Fid net = InceptionV3Fid.random(m, 16);
            List<BufferedImage> ref = List.of(randomImage(32, 32, 1), randomImage(32, 32, 2), randomImage(32, 32, 3), randomImage(32, 32, 4));
            assertEquals(0.0, Rfid.compute(ref, ref, net), 1e-6);
            List<BufferedImage> other = List.of(randomImage(32, 32, 5), randomImage(32, 32, 6), randomImage(32, 32, 7), randomImage(32, 32, 8));
            FeatureStatistics s = FeatureStatistics.of(net.features(ref, 4));
            s.save(dir);
            double fd = FrechetDistance.of(FeatureStatistics.load(dir), FeatureStatistics.of(net.features(other, 4)));
            assertEquals(Rfid.compute(ref, other, net), fd, 1e-9);
            assertTrue(fd > 0);
        }
    }
}
