package dev.infinity.workbench.text;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark runs end to end on a tiny config (no timing is asserted). */
class EncoderBenchmarkTest {
    @Test
    void runsAndCountsParameters() {
        T5Config c = new T5Config(50, 16, 4, 24, 2, 2, 8, 16, 1e-6f, true, "gelu_new");
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderBenchmark.Result r = EncoderBenchmark.run(m, c, 2, 5, 0, 2, 1);
            // shared 50*16 + per layer (4 * 16*8 + 3 * 16*24 + 2 norms * 16) + bias table 8*2 + final norm 16
            assertEquals(50 * 16 + 2 * (4 * 16 * 8 + 3 * 16 * 24 + 2 * 16) + 8 * 2 + 16, r.parameters());
            assertTrue(r.medianSeconds() > 0 && r.tokensPerSecond() > 0);
        }
    }
}
