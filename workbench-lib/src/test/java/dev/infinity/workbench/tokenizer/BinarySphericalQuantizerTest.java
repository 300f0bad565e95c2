package dev.infinity.workbench.tokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BinarySphericalQuantizerTest {
    NDManager m;

    @BeforeEach void open() { m = NDManager.newBaseManager(); }
    @AfterEach void close() { m.close(); }

    @Test
    void quantizesToSignedScaleWithZerosGivingBitZero() {
        // one position, d = 4, channels (+0.0, -0.0, 3, -2)
        NDArray x = m.create(new float[] {0f, -0f, 3f, -2f}, new Shape(1, 4, 1, 1));
        BinarySphericalQuantizer bsq = new BinarySphericalQuantizer(4);
        BinarySphericalQuantizer.Quantized q = bsq.quantize(x);
        assertArrayEquals(new float[] {-0.5f, -0.5f, 0.5f, -0.5f}, q.quantized().toFloatArray(), 1e-7f);
        assertEquals(new Shape(1, 1, 1, 4), q.bits().getShape());
        assertEquals(DataType.INT32, q.bits().getDataType());
        assertArrayEquals(new int[] {0, 0, 1, 0}, q.bits().toIntArray());
        float n = (float) Math.sqrt(13);
        assertArrayEquals(new float[] {0f, 0f, 3 / n, -2 / n}, q.normalized().toFloatArray(), 1e-6f);
    }

    @Test
    void bitLayoutIsChannelsLastAndCodesRoundTrip() {
        NDArray x = m.randomNormal(new Shape(2, 8, 3, 5));
        BinarySphericalQuantizer bsq = new BinarySphericalQuantizer(8);
        BinarySphericalQuantizer.Quantized q = bsq.quantize(x);
        float[] xs = x.toFloatArray();
        int[] bits = q.bits().toIntArray();                                      // (2, 3, 5, 8)
        for (int b = 0; b < 2; b++) for (int c = 0; c < 8; c++) for (int h = 0; h < 3; h++) for (int w = 0; w < 5; w++) {
            int want = xs[((b * 8 + c) * 3 + h) * 5 + w] > 0 ? 1 : 0;
            assertEquals(want, bits[((b * 3 + h) * 5 + w) * 8 + c]);
        }
        assertArrayEquals(q.quantized().toFloatArray(), bsq.codesFromBits(q.bits()).toFloatArray(), 1e-6f);
        // bits of any 0/1 type
        assertArrayEquals(q.quantized().toFloatArray(), bsq.codesFromBits(q.bits().toType(DataType.INT64, false)).toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> bsq.quantize(m.zeros(new Shape(1, 7, 2, 2))));
    }

    @Test
    void straightThroughGradientIsTheGradientOfTheSphereProjection() {
        float[] xs = {2f, -1f, 0.5f, 3f};                                       // one position, d = 4
        float[] ws = {1f, 2f, -1f, 0.5f};
        NDArray x = m.create(xs, new Shape(1, 4, 1, 1));
        NDArray w = m.create(ws, new Shape(1, 4, 1, 1));
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(new BinarySphericalQuantizer(4).quantize(x).quantized().mul(w).sum());
        }
        // d/dx sum(w * x/|x|) = (w - z (z.w)) / |x|
        double norm = 0, zw = 0;
        for (float v : xs) norm += v * v;
        norm = Math.sqrt(norm);
        for (int i = 0; i < 4; i++) zw += xs[i] / norm * ws[i];
        float[] g = x.getGradient().toFloatArray();
        for (int i = 0; i < 4; i++) assertEquals((ws[i] - xs[i] / norm * zw) / norm, g[i], 1e-6);
    }

    @Test
    void auxLossMatchesTheOfficialFormulaOnAHandCase() {
        // two positions, d = 2: x = (2, -1) and (-2, 1); inverse temperature 1 keeps the sigmoids soft
        NDArray x = m.create(new float[] {2f, -2f, -1f, 1f}, new Shape(1, 2, 1, 2));
        BinarySphericalQuantizer bsq = BinarySphericalQuantizer.builder(2).inverseTemperature(1).build();
        BinarySphericalQuantizer.AuxLoss loss = bsq.auxLoss(bsq.quantize(x));
        double z0 = 2 / Math.sqrt(5), z1 = -1 / Math.sqrt(5), s = 1 / Math.sqrt(2);
        double perSample = h(sigmoid(-4 * z0 / Math.sqrt(2))) + h(sigmoid(-4 * z1 / Math.sqrt(2)));  // same at both positions
        double codebook = 2 * h(0.5);                                           // the positions have opposite signs
        double commit = ((z0 - s) * (z0 - s) + (z1 + s) * (z1 + s)) / 2;
        assertEquals(perSample, loss.perSampleEntropy().getFloat(), 1e-5);
        assertEquals(codebook, loss.codebookEntropy().getFloat(), 1e-5);
        assertEquals(commit, loss.commitment().getFloat(), 1e-6);
        assertEquals(0.25 * commit + (perSample - codebook) * 0.1, loss.total().getFloat(), 1e-5);
    }

    static double sigmoid(double v) { return 1 / (1 + Math.exp(-v)); }

    /** Binary entropy with the official log(p + 1e-8). */
    static double h(double p) { return -(p * Math.log(p + 1e-8) + (1 - p) * Math.log(1 - p + 1e-8)); }
}
