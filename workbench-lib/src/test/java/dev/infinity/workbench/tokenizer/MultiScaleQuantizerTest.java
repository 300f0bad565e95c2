package dev.infinity.workbench.tokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiScaleQuantizerTest {
    NDManager m;

    @BeforeEach void open() {
        m = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(7);
    }
    @AfterEach void close() { m.close(); }

    static final List<ScaleSchedule> SCHEDULES = List.of(
            DynamicResolution.schedule(1.0, "0.06M"),                          // 16x16
            DynamicResolution.schedule(2.0, "0.06M"),                          // 22x11
            DynamicResolution.schedule(0.75, "0.06M"),                         // 15x20
            ScaleSchedule.of(new int[][] {{1, 1}, {2, 3}, {3, 5}, {7, 9}, {9, 13}}), // not in any table
            ScaleSchedule.square(5));                                          // a single scale

    @Test
    void decodingTheBitsGivesTheQuantizedLatent() {
        for (int d : new int[] {16, 24, 32, 64}) {
            MultiScaleQuantizer q = new MultiScaleQuantizer(d);
            for (ScaleSchedule s : SCHEDULES) {
                NDArray z = m.randomNormal(new Shape(2, d, s.last().h(), s.last().w()));
                MultiScaleCode code = q.encode(z, s);
                assertEquals(s.size(), code.bits().size());
                assertEquals(s.size() - 1, code.varInputs().size());
                for (int i = 0; i < s.size(); i++) {
                    assertEquals(new Shape(2, s.get(i).h(), s.get(i).w(), d), code.bits().get(i).getShape());
                }
                float err = q.decode(code.bits(), s).sub(code.quantized()).abs().max().getFloat();
                assertTrue(err < 2e-6, "d=" + d + " " + s + ": decode differs from quantized by " + err);
                NDArray inputs = q.teacherForcingInputs(code.bits(), s);
                assertEquals(new Shape(2, s.tokens() - s.first().tokens(), d), inputs.getShape());
            }
        }
    }

    @Test
    void residualQuantizationApproachesTheLatent() {
        // each extra scale quantizes what is left, so the reconstruction error of the unit-norm part shrinks
        MultiScaleQuantizer q = new MultiScaleQuantizer(16);
        NDArray z = m.randomNormal(new Shape(1, 16, 16, 16)).normalize(2, 1, 1e-12);
        ScaleSchedule full = DynamicResolution.schedule(1.0, "0.06M");
        float coarse = z.sub(q.encode(z, ScaleSchedule.square(16)).quantized()).square().mean().getFloat();
        float fine = z.sub(q.encode(z, ScaleSchedule.square(8, 16, 16, 16)).quantized()).square().mean().getFloat();
        assertTrue(fine < coarse, "more scales must fit better: " + fine + " >= " + coarse);
        // var_inputs: area of the running sum to the next scale; the last one is the full-size sum minus the last code
        MultiScaleCode code = q.encode(z, full);
        NDArray lastCode = Resample.bilinear(q.bsq().codesFromBits(code.bits().get(6)), 16, 16);
        float err = code.varInputs().get(5).sub(code.quantized().sub(lastCode)).abs().max().getFloat();
        assertTrue(err < 2e-6, "var_inputs[5] " + err);
    }

    @Test
    void nextScaleInputsAreTheTeacherForcingInputsScaleByScale() {
        MultiScaleQuantizer q = new MultiScaleQuantizer(16);
        ScaleSchedule s = DynamicResolution.schedule(1.333, "0.06M");
        NDArray z = m.randomNormal(new Shape(2, 16, s.last().h(), s.last().w()));
        List<NDArray> bits = q.encode(z, s).bits();
        NDArray all = q.teacherForcingInputs(bits, s);
        NDArray summed = null;
        for (int si = 0; si < s.size() - 1; si++) {
            summed = q.accumulate(summed, bits.get(si), s.last());
            NDArray step = q.nextScaleInput(summed, s.get(si + 1));
            int from = s.tokensBefore(si + 1) - s.first().tokens();
            NDArray slice = all.get(":, " + from + ":" + (from + s.get(si + 1).tokens()) + ", :");
            assertEquals(0f, slice.sub(step).abs().max().getFloat(), 0f);
        }
        assertEquals(0f, q.decode(bits, s).sub(q.accumulate(summed, bits.get(s.size() - 1), s.last())).abs().max().getFloat(), 0f);
    }

    @Test
    void gradientsReachTheLatentThroughEveryScale() {
        MultiScaleQuantizer q = new MultiScaleQuantizer(16);
        ScaleSchedule s = ScaleSchedule.square(1, 2, 4, 8);
        NDArray z = m.randomNormal(new Shape(2, 16, 8, 8));
        z.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            MultiScaleCode code = q.encode(z, s);
            gc.backward(code.quantized().sum().add(q.auxLoss(code)));
        }
        NDArray g = z.getGradient();
        assertTrue(g.isInfinite().logicalOr(g.isNaN()).none().getBoolean(), "finite gradient");
        assertTrue(g.abs().sum().getFloat() > 0, "non-zero gradient");
    }

    @Test
    void badShapesAreClearErrors() {
        MultiScaleQuantizer q = new MultiScaleQuantizer(16);
        ScaleSchedule s = ScaleSchedule.square(1, 2);
        assertThrows(IllegalArgumentException.class, () -> q.encode(m.zeros(new Shape(1, 8, 2, 2)), s));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> q.decode(List.of(m.zeros(new Shape(1, 1, 1, 16)), m.zeros(new Shape(1, 3, 3, 16))), s));
        assertTrue(e.getMessage().contains("scale 1"), e.getMessage());
    }
}
