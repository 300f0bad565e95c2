package dev.infinity.workbench.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The KV-cached autoregressive path against the teacher-forced block-causal forward, on a random model whose
 * flags differ from the golden one (no shared AdaLN, SwiGLU, level embedding per chunk, RoPE mode 1, ca_gamma,
 * three chunks) and a schedule outside the official tables.
 */
class InfinityGeneratorTest {
    static NDManager manager;
    static Infinity model;
    static final ScaleSchedule SCHEDULE = ScaleSchedule.of(new int[][] {{1, 1}, {2, 2}, {3, 2}, {4, 4}});

    @BeforeAll
    static void build() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(7);
        InfinityConfig cfg = InfinityConfig.builder().embedDim(64).depth(3).numHeads(4).blockChunks(3).textChannels(128).textMaxLen(8)
                .codebookDim(8).sharedAln(false).swiglu(true).mlpRatio(8).addLvlEmbedOnlyFirstBlock(false).ropeNormalizedByHw(1)
                .crossAttnLayerScale(0.5).build();
        model = new Infinity(manager, cfg);
    }

    @AfterAll
    static void close() { manager.close(); }

    static TextCondition text() {
        return TextCondition.of(manager.randomNormal(new Shape(8, 128)), new int[] {3, 5});
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void kvCachedLogitsEqualTheFullForward() {
        TextCondition text = text();
        GenerationOptions o = GenerationOptions.builder().cfg(1).topK(0).topP(0).seed(3).keepLogits(true).build();
        try (Generation gen = new InfinityGenerator(model, null).generate(text, SCHEDULE, o)) {
            assertEquals(SCHEDULE.size(), gen.bits().size());
            NDArray x = NDArrays.concat(new NDList(gen.inputs()), 1);                       // (B, L - 1, d)
            assertEquals(new Shape(2, SCHEDULE.tokens() - 1, 8), x.getShape());
            float[] full = model.forward(text, x, SCHEDULE).toFloatArray();                 // (B, L, 2d)
            int l = SCHEDULE.tokens(), v = 16;
            for (int si = 0; si < SCHEDULE.size(); si++) {
                int from = SCHEDULE.tokensBefore(si), n = SCHEDULE.get(si).tokens();
                float[] slice = new float[2 * n * v];
                for (int b = 0; b < 2; b++) System.arraycopy(full, (b * l + from) * v, slice, b * n * v, n * v);
                float[] cached = gen.logits().get(si).toFloatArray();
                assertTrue(maxAbsDiff(slice, cached) < 1e-4, "scale " + si + ": cached vs full max diff " + maxAbsDiff(slice, cached));
            }
        }
    }

    @Test
    void spatialPatchifyTokensAre2x2PatchesOfTokenizerCells() {
        InfinityConfig cfg = InfinityConfig.builder().embedDim(64).depth(2).numHeads(2).textChannels(128).textMaxLen(8)
                .codebookDim(32).applySpatialPatchify(true).build();
        Infinity patchified = new Infinity(manager, cfg);
        TextCondition text = text();
        GenerationOptions o = GenerationOptions.builder().cfg(2).topK(1).topP(0).seed(4).keepLogits(true).build();   // greedy
        try (Generation gen = new InfinityGenerator(patchified, null).generate(text, SCHEDULE, o);
             Generation again = new InfinityGenerator(patchified, null).generate(text, SCHEDULE, o.toBuilder().kvCache(false).forcedBits(gen.bits()).build())) {
            for (int si = 0; si < SCHEDULE.size(); si++) {
                ScaleSchedule.Scale s = SCHEDULE.get(si);
                assertEquals(new Shape(2, 1, 2L * s.h(), 2L * s.w(), 8), gen.bits().get(si).getShape());
                // the forced (tokenizer-cell) bits reproduce the sampled ones and the logits: shuffle and unshuffle agree
                assertArrayEquals(gen.bits().get(si).toLongArray(), again.bits().get(si).toLongArray());
                assertTrue(maxAbsDiff(gen.logits().get(si).toFloatArray(), again.logits().get(si).toFloatArray()) < 1e-4);
                if (si > 0) assertEquals(new Shape(2, s.tokens(), 32), gen.inputs().get(si - 1).getShape());
            }
            assertEquals(new Shape(2, 8, 8, 8), gen.summedCodes().getShape());
            // greedy sampling: the bit of cell (2y+i, 2x+j), channel c is logit pair c*4 + i*2 + j of token (y, x)
            float[] logits = gen.logits().get(1).toFloatArray();           // scale 2x2: (B, 4, 64)
            long[] bits = gen.bits().get(1).toLongArray();                  // (B, 1, 4, 4, 8)
            int y = 1, x = 0, i = 1, j = 0, c = 5, token = y * 2 + x;
            int k = c * 4 + i * 2 + j;
            long greedy = logits[token * 64 + 2 * k + 1] > logits[token * 64 + 2 * k] ? 1 : 0;
            assertEquals(greedy, bits[((2 * y + i) * 4 + (2 * x + j)) * 8 + c]);
        }
    }

    @Test
    void guidanceOnABlockGivesTheSameLogitsWithAndWithoutCache() {
        TextCondition text = text();
        GenerationOptions.Builder b = GenerationOptions.builder().cfg(3, 2, 1.5, 1).tau(1, 0.5, 1, 0.8).cfgInsertionLayer(-1)
                .topK(2).topP(0.9).seed(11).keepLogits(true);
        try (Generation cached = new InfinityGenerator(model, null).generate(text, SCHEDULE, b.build());
             Generation recomputed = new InfinityGenerator(model, null).generate(text, SCHEDULE, b.kvCache(false).forcedBits(cached.bits()).build())) {
            for (int si = 0; si < SCHEDULE.size(); si++) {
                float d = maxAbsDiff(cached.logits().get(si).toFloatArray(), recomputed.logits().get(si).toFloatArray());
                assertTrue(d < 1e-4, "scale " + si + ": cache on/off max diff " + d);
                assertArrayEquals(cached.bits().get(si).toLongArray(), recomputed.bits().get(si).toLongArray());
            }
        }
    }

    @Test
    void samplingIsReproducibleFromTheSeedAndGuidanceChangesTheResult() {
        TextCondition text = text();
        GenerationOptions o = GenerationOptions.builder().cfg(3).topK(900).topP(0.97).seed(5).build();
        InfinityGenerator g = new InfinityGenerator(model, null);
        try (Generation a = g.generate(text, SCHEDULE, o); Generation again = g.generate(text, SCHEDULE, o);
             Generation other = g.generate(text, SCHEDULE, o.toBuilder().seed(6).build())) {
            List<long[]> bitsA = new ArrayList<>(), bitsOther = new ArrayList<>();
            for (int si = 0; si < SCHEDULE.size(); si++) {
                assertArrayEquals(a.bits().get(si).toLongArray(), again.bits().get(si).toLongArray());
                bitsA.add(a.bits().get(si).toLongArray());
                bitsOther.add(other.bits().get(si).toLongArray());
                assertEquals(new Shape(2, 1, SCHEDULE.get(si).h(), SCHEDULE.get(si).w(), 8), a.bits().get(si).getShape());
            }
            boolean differ = false;
            for (int si = 0; si < bitsA.size(); si++) differ |= !java.util.Arrays.equals(bitsA.get(si), bitsOther.get(si));
            assertTrue(differ, "another seed should sample other bits");
            assertEquals(new Shape(2, 8, 4, 4), a.summedCodes().getShape());
        }
    }

    @Test
    void theUnconditionalTextIsTheDefaultNegativePrompt() {
        TextCondition text = text();
        GenerationOptions o = GenerationOptions.builder().cfg(4).topK(0).topP(0).seed(9).keepLogits(true).build();
        InfinityGenerator g = new InfinityGenerator(model, null);
        TextCondition other = TextCondition.of(manager.randomNormal(new Shape(4, 128)), new int[] {4});
        try (Generation plain = g.generate(text, SCHEDULE, o);
             Generation explicit = g.generate(text, SCHEDULE, o.toBuilder().negative(model.unconditional(text.lens())).build());
             Generation negative = g.generate(text, SCHEDULE, o.toBuilder().negative(other).build())) {   // one negative for both prompts
            float[] a = plain.logits().get(1).toFloatArray();
            assertEquals(0f, maxAbsDiff(a, explicit.logits().get(1).toFloatArray()), 0f);
            assertTrue(maxAbsDiff(a, negative.logits().get(1).toFloatArray()) > 1e-3, "a negative prompt must change the guided logits");
        }
    }

    @Test
    void aShortCfgListIsAClearError() {
        GenerationOptions o = GenerationOptions.builder().cfg(3, 3).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new InfinityGenerator(model, null).generate(text(), SCHEDULE, o));
        assertTrue(e.getMessage().contains("cfg list has 2 values but the schedule has 4 scales"), e.getMessage());
        GenerationOptions t = GenerationOptions.builder().tau(1, 1, 1).build();
        e = assertThrows(IllegalArgumentException.class, () -> new InfinityGenerator(model, null).generate(text(), SCHEDULE, t));
        assertTrue(e.getMessage().contains("tau list"), e.getMessage());
    }

    @Test
    void samplerMasksLikeTheOfficialRules() {
        float[] logits = {0f, 1f, 2f, 2f, 5f, -1f};
        Sampler.mask(logits, 3, 1, 0);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 2f, Float.NEGATIVE_INFINITY, 5f, Float.NEGATIVE_INFINITY}, logits);
        float[] p = {0f, 3f, 10f};        // softmax ~ (4.5e-5, 9.1e-4, 0.999): top-p 0.5 keeps only the largest
        Sampler.mask(p, 3, 0, 0.5);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 10f}, p);
        int[] drawn = new Sampler(0, 0, 1, Sampler.Method.GUMBEL_MAX).sample(new float[] {Float.NEGATIVE_INFINITY, 0f}, 2);
        assertEquals(1, drawn[0]);
    }
}
