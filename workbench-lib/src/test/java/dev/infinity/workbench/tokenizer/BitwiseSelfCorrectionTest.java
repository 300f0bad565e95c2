package dev.infinity.workbench.tokenizer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BitwiseSelfCorrectionTest {
    NDManager m;
    final MultiScaleQuantizer quantizer = new MultiScaleQuantizer(16);
    final ScaleSchedule schedule = DynamicResolution.schedule(1.0, "0.06M");

    @BeforeEach void open() {
        m = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(11);
    }
    @AfterEach void close() { m.close(); }

    NDArray latent(int batch) { return m.randomNormal(new Shape(batch, 16, 16, 16)); }

    static float maxDiff(NDArray a, NDArray b) {
        return a.toType(DataType.FLOAT32, false).sub(b.toType(DataType.FLOAT32, false)).abs().max().getFloat();
    }

    @Test
    void zeroStrengthGivesTheCleanTeacherForcingInputs() {
        NDArray z = latent(2);
        MultiScaleCode clean = quantizer.encode(z, schedule);
        BitwiseSelfCorrection.Result r = BitwiseSelfCorrection.builder(quantizer).noiseApplyLayers(4).noiseApplyStrength(0)
                .build().apply(z, schedule, new Random(1));
        for (int si = 0; si < schedule.size(); si++) {
            assertEquals(0f, maxDiff(r.gtBits().get(si), clean.bits().get(si).reshape(r.gtBits().get(si).getShape())), 0f);
        }
        assertEquals(0f, maxDiff(r.inputs(), quantizer.teacherForcingInputs(clean.bits(), schedule)), 0f);
    }

    @Test
    void flipRateAveragesHalfTheStrengthOnNoisyScalesOnly() {
        double strength = 0.3;
        int layers = 4;
        BitwiseSelfCorrection bsc = BitwiseSelfCorrection.builder(quantizer).noiseApplyLayers(layers).noiseApplyStrength(strength).build();
        Random rng = new Random(42);
        double sumRate = 0;
        int draws = 0;
        boolean laterTargetsChanged = false;
        for (int run = 0; run < 40; run++) {
            NDArray z = latent(4);
            BitwiseSelfCorrection.Result r = bsc.apply(z, schedule, rng);
            MultiScaleCode clean = quantizer.encode(z, schedule);
            for (int si = 0; si < schedule.size(); si++) {
                NDArray pred = r.predBits().get(si).reshape(r.gtBits().get(si).getShape());
                double rate = pred.neq(r.gtBits().get(si)).toType(DataType.FLOAT32, false).mean().getFloat();
                if (si < layers) {
                    double p = r.strengths()[si];
                    assertEquals(0, Math.round(p * 100) - p * 100, 1e-9, "strength on the 0.01 grid");
                    assertTrue(p >= 0 && p <= strength + 1e-12);
                    long n = pred.size();
                    assertEquals(p, rate, 5 * Math.sqrt(Math.max(p * (1 - p), 1.0 / n) / n) + 1e-9, "scale " + si + " flip rate");
                    sumRate += rate;
                    draws++;
                } else {
                    assertEquals(0.0, rate, "scale " + si + " must not be flipped");
                    NDArray cleanBits = clean.bits().get(si).reshape(r.gtBits().get(si).getShape());
                    laterTargetsChanged |= maxDiff(cleanBits, r.gtBits().get(si)) > 0;
                }
            }
        }
        assertEquals(strength / 2, sumRate / draws, 0.03, "mean flip rate over " + draws + " scale draws");
        assertTrue(laterTargetsChanged, "later scales re-quantize the corrupted residual");
    }

    @Test
    void seededRunsRepeatAndRequantOffLeavesInputsClean() {
        NDArray z = latent(2);
        BitwiseSelfCorrection bsc = BitwiseSelfCorrection.builder(quantizer).noiseApplyLayers(7).noiseApplyStrength(0.5).build();
        BitwiseSelfCorrection.Result a = bsc.apply(z, schedule, new Random(5)), b = bsc.apply(z, schedule, new Random(5));
        assertEquals(0f, maxDiff(a.inputs(), b.inputs()), 0f);
        NDArray clean = quantizer.teacherForcingInputs(quantizer.encode(z, schedule).bits(), schedule);
        assertTrue(maxDiff(a.inputs(), clean) > 0, "flipped bits change the inputs");

        BitwiseSelfCorrection.Result off = BitwiseSelfCorrection.builder(quantizer).noiseApplyLayers(7).noiseApplyStrength(0.5)
                .requant(false).build().apply(z, schedule, new Random(5));
        assertEquals(0f, maxDiff(off.inputs(), clean), 0f);
        assertEquals(0f, maxDiff(off.predBits().get(0), a.predBits().get(0)), 0f);   // the same flips were drawn
        MultiScaleCode cleanCode = quantizer.encode(z, schedule);
        for (int si = 0; si < schedule.size(); si++) {
            assertEquals(0f, maxDiff(off.gtBits().get(si), cleanCode.bits().get(si).reshape(off.gtBits().get(si).getShape())), 0f);
        }
    }
}
