package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.nn.Parameter;
import dev.infinity.workbench.parity.TestPaths;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Architecture bookkeeping: parameter counts, official key names, checkpoint loading and its errors. */
class InfinityModelTest {
    static StateDict stateDictOf(Infinity m) {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> t.put(k, HostTensor.of(p.array())));
        return new StateDict(Path.of("memory"), t);
    }

    @Test
    void parameterCountFormulaMatchesTheModulesAndThePaper() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (InfinityConfig c : new InfinityConfig[] {InfinityConfig.preset("tiny"), InfinityConfig.preset("micro"),
                    InfinityConfig.preset("tiny").toBuilder().swiglu(true).sharedAln(false).crossAttnLayerScale(1).blockChunks(1).build()}) {
                assertEquals(c.parameterCount(), new Infinity(m, c).parameterCount(), c.toString());
            }
        }
        // the paper's Infinity-2B: ~2.2B parameters with the flan-T5-xl text width and text_maxlen 512
        double twoB = InfinityConfig.preset("infinity-2b").parameterCount() / 1e9;
        assertTrue(twoB > 2.1 && twoB < 2.3, "2B preset counts " + twoB + "B");
    }

    @Test
    void keyNamesFollowTheOfficialStateDict() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> p = new Infinity(m, InfinityConfig.preset("tiny")).namedParameters();
            for (String k : new String[] {"cfg_uncond", "text_proj_for_sos.ca.mat_q", "text_proj_for_ca.2.bias", "shared_ada_lin.1.weight",
                    "head_nm.ada_lin.1.weight", "block_chunks.1.module.1.sa.scale_mul_1H11", "block_chunks.0.module.0.ca.zero_k_bias",
                    "block_chunks.1.module.0.ffn.fc2.bias", "block_chunks.0.module.1.ada_gss"}) {
                assertTrue(p.containsKey(k), k);
            }
            assertEquals(106, p.size());   // the golden tiny checkpoint has 106 keys
        }
    }

    @Test
    void aCheckpointForAnotherWidthNamesTheFirstMismatchedKey() {
        try (NDManager m = NDManager.newBaseManager()) {
            InfinityConfig small = InfinityConfig.preset("tiny");
            StateDict sd = stateDictOf(new Infinity(m, small.toBuilder().embedDim(64).build()));
            Infinity model = new Infinity(m, small);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(sd));
            assertTrue(e.getMessage().contains("first mismatched key pos_start (checkpoint [1, 1, 64], model (1, 1, 128))"), e.getMessage());
            StateDict deeper = stateDictOf(new Infinity(m, small.toBuilder().depth(6).blockChunks(3).build()));
            e = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(deeper));
            assertTrue(e.getMessage().contains("block_chunks.2.module.0"), e.getMessage());
        }
    }

    @Test
    void cfgUncondIsAdaptedToTextMaxLenLikeTheOfficialLoader() {
        try (NDManager m = NDManager.newBaseManager()) {
            InfinityConfig c = InfinityConfig.preset("micro");
            Infinity shortText = new Infinity(m, c.toBuilder().textMaxLen(3).build());
            Infinity model = new Infinity(m, c);
            float[] own = model.cfgUncond.array().toFloatArray();
            model.loadStateDict(stateDictOf(shortText));
            float[] loaded = model.cfgUncond.array().toFloatArray(), src = shortText.cfgUncond.array().toFloatArray();
            int t = c.textChannels();
            for (int i = 0; i < loaded.length; i++) assertEquals(i < 3 * t ? src[i] : own[i], loaded[i], 0f);   // padded with own rows
            Infinity longer = new Infinity(m, c.toBuilder().textMaxLen(20).build());
            model.loadStateDict(stateDictOf(longer));
            float[] truncated = model.cfgUncond.array().toFloatArray(), l = longer.cfgUncond.array().toFloatArray();
            for (int i = 0; i < truncated.length; i++) assertEquals(l[i], truncated[i], 0f);
        }
    }

    @Test
    void loadsTheModelOfAnOfficialTrainingCheckpoint() {
        Path ckpt = TestPaths.shared().resolve("golden/checkpoint_formats/c_train_ckpt_namespace/c_train_ckpt_namespace.pth");
        assumeTrue(Files.exists(ckpt), "no golden checkpoint at " + ckpt);
        StateDict sd = StateDict.load(ckpt);           // finds trainer/gpt_fsdp
        InfinityConfig c = InfinityConfig.fromStateDict(sd, InfinityConfig.builder());
        assertEquals(32, c.embedDim());
        assertEquals(2, c.depth());
        assertEquals(2, c.blockChunks());
        assertEquals(1, c.numHeads());
        try (NDManager m = NDManager.newBaseManager()) {
            Infinity model = new Infinity(m, c);
            model.loadStateDict(sd);
            assertArrayEquals(sd.get("head.bias").toFloatArray(), model.head.bias.array().toFloatArray(), 0f);
            ScaleSchedule s = ScaleSchedule.of(new int[][] {{1, 1}, {2, 2}});
            TextCondition text = TextCondition.of(m.randomNormal(new Shape(4, 128)), new int[] {4});
            NDArray logits = model.forward(text, m.randomNormal(new Shape(1, 4, 16)), s);
            assertEquals(new Shape(1, 5, 32), logits.getShape());
        }
    }

    /** Teacher-forced logits of a micro model for two random prompts (2 and 3 text tokens) on scales 1x1, 2x2. */
    private static NDArray microForward(Infinity model, NDManager step) {
        TextCondition text = TextCondition.of(step.randomNormal(new Shape(5, 128)), new int[] {2, 3});
        return model.forward(text, step.randomNormal(new Shape(2, 4, 8)), ScaleSchedule.of(new int[][] {{1, 1}, {2, 2}}));
    }

    /**
     * Results of ops on parameters join the parameters' manager: a forward that did not move them leaked a few arrays
     * per block and step, and in training their graphs with them.
     */
    @Test
    void aTrainingStepLeavesNothingOnTheModelsManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            Infinity model = new Infinity(m, InfinityConfig.preset("micro"));
            model.setTrainable(true);
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                try (NDManager step = m.newSubManager(); ai.djl.training.GradientCollector gc = m.getEngine().newGradientCollector()) {
                    gc.backward(microForward(model, step).square().mean());
                }
            }
            assertEquals(before, m.getManagedArrays().size(), "arrays left on the model's manager after three steps");
        }
    }

    /**
     * A notebook encodes a prompt once and runs many forwards: the temporaries of each pass must not pile up on the
     * manager that holds the text (DJL puts an op's result on its first input's manager); only the logits stay, on
     * the manager of the inputs.
     */
    @Test
    void aForwardLeavesOnlyItsLogitsBehindWhereverTheTextLives() {
        try (NDManager m = NDManager.newBaseManager()) {
            Infinity model = new Infinity(m, InfinityConfig.preset("micro"));
            TextCondition text = TextCondition.of(m.randomNormal(new Shape(5, 128)), new int[] {2, 3});
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                try (NDManager inputs = m.newSubManager()) {
                    NDArray x = inputs.randomNormal(new Shape(2, 4, 8));
                    NDArray logits = model.forward(text, x, ScaleSchedule.of(new int[][] {{1, 1}, {2, 2}}));
                    assertEquals(inputs, logits.getManager());
                    assertEquals(2, inputs.getManagedArrays().size(), "x and the logits");
                }
            }
            assertEquals(before, m.getManagedArrays().size(), "arrays left on the text's manager after three forwards");
        }
    }

    @Test
    void gradientsFlowThroughTheBf16RoundedCrossAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            Infinity model = new Infinity(m, InfinityConfig.preset("micro"));
            model.setTrainable(true);
            try (NDManager step = m.newSubManager();
                 ai.djl.training.GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(microForward(model, step).square().mean());
                for (String k : new String[] {"blocks.0.ca.mat_q.weight", "text_proj_for_sos.ca.mat_q", "blocks.2.sa.scale_mul_1H11", "cfg_uncond"}) {
                    float[] g = model.namedParameters().get(k).array().getGradient().toFloatArray();
                    double norm = 0;
                    for (float v : g) {
                        assertTrue(Float.isFinite(v), k);
                        norm += v * v;
                    }
                    if (k.equals("cfg_uncond")) assertEquals(0, norm, 0, "cfg_uncond is not used by a conditional forward");
                    else assertTrue(norm > 0, "no gradient reaches " + k);
                }
            }
        }
    }

    @Test
    void ropeMode2UsesTheTemplateOfTheScheduleAndRoundsHalfToEven() {
        ScaleSchedule s = dev.infinity.workbench.tokenizer.DynamicResolution.schedule(1.0, "0.06M");
        assertEquals(new ScaleSchedule.Scale(64, 64), Rope2d.reference(s));
        Rope2d.Table t = Rope2d.table(8, 2, s, Rope2d.reference(s));
        assertEquals(s.tokens(), t.length());
        // scale 6x6 (tokens 21..56): row 3 maps to round(3 * 64/6) = round(32.0) = 32; cos of the row angle k=0 is cos(32)
        int token = 1 + 4 + 16 + 3 * 6;
        assertEquals((float) Math.cos(32f), t.cos()[token * 4], 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Rope2d.table(8, 0, ScaleSchedule.of(new int[][] {{1, 1}, {130, 2}}), new ScaleSchedule.Scale(64, 64)));
    }
}
