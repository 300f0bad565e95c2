package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.io.Half;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The on-device bfloat16 rounding equals round-to-nearest-even on the bit patterns, ties and signs included. */
class RoundToBf16Test {
    @Test
    void matchesBitPatternRoundingOnRandomValuesAndTies() {
        Random r = new Random(3);
        int n = 200_000;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (Math.exp(6 * r.nextGaussian()) * r.nextGaussian());
        // exact ties: low 16 bits = 0x8000, with even and odd bit 16
        v[0] = Float.intBitsToFloat(0x3f808000);
        v[1] = Float.intBitsToFloat(0x3f818000);
        v[2] = -v[1];
        v[3] = 0f;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] got = Ops.roundToBf16(m.create(v)).toFloatArray();
            for (int i = 0; i < n; i++) {
                float want = Float.intBitsToFloat((Half.toBFloat16Bits(v[i]) & 0xffff) << 16);
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got[i]), "value " + v[i] + " at " + i);
            }
        }
    }
}
