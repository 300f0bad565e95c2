package dev.infinity.workbench.tokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Resample against hand-computed PyTorch {@code F.interpolate} results. */
class ResampleTest {
    NDManager m;

    @BeforeEach void open() { m = NDManager.newBaseManager(); }
    @AfterEach void close() { m.close(); }

    /** A (1, 1, 1, n) row. */
    NDArray row(float... v) { return m.create(v, new Shape(1, 1, 1, v.length)); }

    @Test
    void areaAveragesOverlappingWindows() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = i;
        // 16 -> 6 windows [floor(16i/6), ceil(16(i+1)/6)): [0,3) [2,6) [5,8) [8,11) [10,14) [13,16)
        // (the golden README lists [5,9) for the third; PyTorch's formula, and the golden var_inputs, give [5,8))
        float[] want = {1f, 3.5f, 6f, 9f, 11.5f, 14f};
        assertArrayEquals(want, Resample.area(row(x), 1, 6).toFloatArray(), 1e-6f);
        // the same along H
        NDArray col = m.create(x, new Shape(1, 1, 16, 1));
        assertArrayEquals(want, Resample.area(col, 6, 1).toFloatArray(), 1e-6f);
        // every output weight is 1/window length
        float[][] w = Resample.axisWeights("area", 16, 6);
        assertEquals(1f / 3, w[0][0], 0f);
        assertEquals(1f / 4, w[2][1], 0f);
        assertEquals(1f / 3, w[2][0], 0f);
        assertEquals(0f, w[6][1], 0f);
    }

    @Test
    void bilinearDownsamplesWithoutAntialias() {
        // 5 -> 3: sources 1/3, 2, 11/3 -> (2/3 x0 + 1/3 x1, x2, 1/3 x3 + 2/3 x4)
        float[] sq = {1, 4, 9, 16, 25};
        float[] want = {2f, 9f, 22f};
        assertArrayEquals(want, Resample.bilinear(row(sq), 1, 3).toFloatArray(), 1e-5f);
        // 2-D and separable: x[i][j] = sq[i] + 10 sq[j] -> want[p] + 10 want[q]
        float[] x = new float[25];
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) x[i * 5 + j] = sq[i] + 10 * sq[j];
        float[] got = Resample.bilinear(m.create(x, new Shape(1, 1, 5, 5)), 3, 3).toFloatArray();
        for (int p = 0; p < 3; p++) for (int q = 0; q < 3; q++) assertEquals(want[p] + 10 * want[q], got[p * 3 + q], 1e-4f);
    }

    @Test
    void bilinearUpsamplesClampingAtTheBorders() {
        // 2 -> 4: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (neighbour clamped to 1)
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, Resample.bilinear(row(0, 1), 1, 4).toFloatArray(), 1e-6f);
        // 3 -> 5 (non-integer factor): scale 0.6, sources 0 (clamped), 0.4, 1.0, 1.6, 2.2 -> clamped neighbour
        assertArrayEquals(new float[] {0f, 0.4f, 1f, 1.6f, 2f}, Resample.bilinear(row(0, 1, 2), 1, 5).toFloatArray(), 1e-6f);
    }

    @Test
    void nearestPicksFloorOfScaledIndex() {
        // 3 -> 7: floor(j * 3/7) = 0 0 0 1 1 2 2
        assertArrayEquals(new float[] {5, 5, 5, 6, 6, 7, 7}, Resample.nearest(row(5, 6, 7), 1, 7).toFloatArray(), 0f);
        // 2 -> 4 is a repeat along both axes
        NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, Resample.nearest(x, 4, 4).toFloatArray(), 0f);
        // 4 -> 3 (down): floor(j * 4/3) = 0 1 2
        assertArrayEquals(new float[] {1, 2, 3}, Resample.nearest(row(1, 2, 3, 4), 1, 3).toFloatArray(), 0f);
    }

    @Test
    void unchangedSizeIsTheSameArray() {
        NDArray x = m.randomNormal(new Shape(2, 3, 4, 5));
        assertSame(x, Resample.area(x, 4, 5));
        assertSame(x, Resample.bilinear(x, 4, 5));
        assertSame(x, Resample.nearest(x, 4, 5));
        assertThrows(IllegalArgumentException.class, () -> Resample.area(x, 0, 5));
    }

    @Test
    void gradientsFlowThroughTheResizeMatrices() {
        float[] v = new float[16];
        NDArray x = m.create(v, new Shape(1, 1, 1, 16));
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = Resample.area(x, 1, 6).sum().add(Resample.bilinear(x, 1, 3).sum());
            gc.backward(loss);
        }
        float[] g = x.getGradient().toFloatArray();
        float[][] area = Resample.axisWeights("area", 16, 6), bil = Resample.axisWeights("bilinear", 16, 3);
        for (int i = 0; i < 16; i++) {
            float want = 0;
            for (float a : area[i]) want += a;
            for (float b : bil[i]) want += b;
            assertEquals(want, g[i], 1e-6f, "d loss / d x[" + i + "]");
        }
        // input 2 is in area windows 0 and 1: 1/3 + 1/4; bilinear 16 -> 3 reads it with weight 1 - (2.1666667 - 2)
        assertEquals(1f / 3 + 1f / 4 + (1f - (16f / 3 * 0.5f - 0.5f - 2)), g[2], 1e-6f);
    }
}
