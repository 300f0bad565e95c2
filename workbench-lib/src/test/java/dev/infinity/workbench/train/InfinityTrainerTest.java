package dev.infinity.workbench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.text.TextEncoders;
import dev.infinity.workbench.text.ToyTextEncoder;
import dev.infinity.workbench.tokenizer.BitwiseSelfCorrection;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.MultiScaleCode;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.tokenizer.VaeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The generator trainer on the bundled toy data: BSC inputs, learning, resume, corrupt checkpoints, NaN. */
class InfinityTrainerTest {
    static final Path DATA = Files.isDirectory(Path.of("../data/infinity_toy_data")) ? Path.of("../data/infinity_toy_data") : Path.of("data/infinity_toy_data");
    static BsqVae tokenizer;
    static List<String> captions;

    @BeforeAll
    static void setUp() {
        Engine.getInstance().setRandomSeed(7);
        // a random (untrained) tokenizer is enough: the trainer only needs a fixed image -> latent map
        tokenizer = new BsqVae(VaeConfig.builder().baseChannels(32).chMult(1, 1, 1, 1, 1).numResBlocks(1).codebookDim(8).build());
        captions = TrainSetup.captions(DATA);
    }

    @AfterAll
    static void tearDown() { tokenizer.close(); }

    static TrainConfig.Builder config() {
        return TrainConfig.builder().batchSize(4).lr(3e-3).minLr(3e-4).warmupSteps(2).pixelSize(64).template("1.000").shortCaptionProb(1.0)
                .valBatches(2).evalEvery(1000).progress(null);
    }

    /** A fresh run: micro transformer (width 64) + toy text encoder (width 128), identical for equal seeds. */
    static InfinityTrainer trainer(NDManager m, TrainConfig cfg, boolean trainText) {
        Engine.getInstance().setRandomSeed(11);
        ToyTextEncoder text = TextEncoders.toy(m, 128, captions, 16);
        InfinityConfig mc = TrainSetup.modelConfig("micro", 128, 16, 8, false);
        return new InfinityTrainer(new Infinity(m, mc), text, tokenizer, cfg.toBuilder().trainTextEncoder(trainText).build());
    }

    @Test
    void bscWithStrengthZeroGivesTheTeacherForcedInputs() {
        ScaleSchedule s = InfinityTrainer.scheduleFor(4, 4);
        try (NDManager m = NDManager.newBaseManager();
             InfinityTrainer clean = trainer(m, config().bitwiseSelfCorrection(13, 0).build(), true);
             InfinityTrainer noisy = trainer(m, config().bitwiseSelfCorrection(13, 0.3).build(), true)) {
            NDArray z = m.randomNormal(new Shape(3, 8, 4, 4));
            MultiScaleCode code = tokenizer.quantizer.encode(z, s);
            NDArray teacher = tokenizer.quantizer.teacherForcingInputs(code.bits(), s);
            BitwiseSelfCorrection.Result r = clean.corrupt(z, s, new Random(1));
            assertArrayEquals(teacher.toFloatArray(), r.inputs().toFloatArray(), 0f, "strength 0: exactly the teacher-forced inputs");
            for (int i = 0; i < s.size(); i++) {
                assertArrayEquals(code.bits().get(i).reshape(3, -1, 8).toIntArray(), r.gtBits().get(i).toIntArray(), "labels of scale " + i);
            }
            BitwiseSelfCorrection.Result n = noisy.corrupt(z, s, new Random(1));
            assertFalse(java.util.Arrays.equals(teacher.toFloatArray(), n.inputs().toFloatArray()), "strength 0.3 corrupts the inputs");
        }
    }

    @Test
    void aShortRunLowersValidationLossAndRaisesBitAccuracy(@TempDir Path out) {
        try (NDManager m = NDManager.newBaseManager(); InfinityTrainer t = trainer(m, config().steps(40).checkpointEvery(1000).build(), true)) {
            List<InfinityTrainer.StepMetrics> h = t.train(DATA, out);
            BitLoss.Metrics first = h.get(0).val(), last = h.get(h.size() - 1).val();
            assertEquals(0, h.get(0).step());
            assertTrue(last.loss() < first.loss() - 0.02, "val loss " + first.loss() + " -> " + last.loss());
            assertTrue(last.bitAcc() > first.bitAcc() + 0.02, "val bit acc " + first.bitAcc() + " -> " + last.bitAcc());
            assertTrue(Files.isRegularFile(out.resolve("infinity.safetensors")) && Files.isRegularFile(out.resolve("text/vocab.json")));
            List<String> csv = readLines(out.resolve("metrics.csv"));
            assertEquals(42, csv.size(), "header + step 0 + 40 steps");
            assertTrue(csv.get(0).startsWith("step,loss,loss_mean,bit_acc,token_acc,grad_norm,lr,images_per_s"));
        }
    }

    /** With spatial patchify the 4x4-cell latent becomes 1x1 and 2x2 tokens of 4 x 8 bits, and the run learns. */
    @Test
    void patchifiedTransformerTrainsOnTwoByTwoCellTokens(@TempDir Path out) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            ToyTextEncoder text = TextEncoders.toy(m, 128, captions, 16);
            InfinityConfig mc = TrainSetup.modelConfig("micro", 128, 16, 8, true);
            assertEquals(32, mc.codebookDim());
            try (InfinityTrainer t = new InfinityTrainer(new Infinity(m, mc), text, tokenizer, config().steps(30).checkpointEvery(1000).build())) {
                List<InfinityTrainer.StepMetrics> h = t.train(DATA, out);
                BitLoss.Metrics first = h.get(0).val(), last = h.get(h.size() - 1).val();
                assertEquals(2, last.scaleLoss().length, "token schedule 1x1, 2x2");
                assertTrue(last.loss() < first.loss() - 0.02, "val loss " + first.loss() + " -> " + last.loss());
            }
        }
    }

    @Test
    void killedRunResumesWithIdenticalLossesAndData(@TempDir Path dir) {
        TrainConfig cfg = config().steps(6).checkpointEvery(2).build();
        List<InfinityTrainer.StepMetrics> full, resumed;
        try (NDManager m = NDManager.newBaseManager(); InfinityTrainer t = trainer(m, cfg, true)) {
            full = t.train(DATA, dir.resolve("a"));
        }
        try (NDManager m = NDManager.newBaseManager(); InfinityTrainer t = trainer(m, cfg.toBuilder().stopAfterStep(3).build(), true)) {
            assertEquals(4, t.train(DATA, dir.resolve("b")).size(), "steps 0..3 before the interruption");
        }
        assertTrue(Files.isDirectory(dir.resolve("b/checkpoints/step-0000003")));
        try (NDManager m = NDManager.newBaseManager(); InfinityTrainer t = trainer(m, cfg, true)) {
            resumed = t.train(DATA, dir.resolve("b"));
        }
        assertEquals(full.size(), resumed.size());
        for (int i = 4; i < full.size(); i++) {
            assertEquals(full.get(i).step(), resumed.get(i).step());
            assertEquals(full.get(i).loss(), resumed.get(i).loss(), 1e-6 * Math.abs(full.get(i).loss()), "loss at step " + full.get(i).step());
            assertEquals(full.get(i).train().bitAcc(), resumed.get(i).train().bitAcc(), 1e-9, "same batch at step " + full.get(i).step());
        }
        // the CSV continues without a gap or a duplicate
        List<String> csv = readLines(dir.resolve("b/metrics.csv"));
        for (int i = 1; i < csv.size(); i++) assertTrue(csv.get(i).startsWith((i - 1) + ","), csv.get(i));
    }

    @Test
    void corruptNewestCheckpointIsNamedAndThePreviousKept(@TempDir Path out) throws Exception {
        TrainConfig cfg = config().steps(4).checkpointEvery(2).build();
        try (NDManager m = NDManager.newBaseManager(); InfinityTrainer t = trainer(m, cfg, true)) {
            t.train(DATA, out);
        }
        Path newest = out.resolve("checkpoints/step-0000004"), previous = out.resolve("checkpoints/step-0000002");
        try (RandomAccessFile f = new RandomAccessFile(newest.resolve("model.safetensors").toFile(), "rw")) {
            f.seek(f.length() - 10);
            int b = f.read();
            f.seek(f.length() - 10);
            f.write(b ^ 0xff);
        }
        try (NDManager m = NDManager.newBaseManager(); InfinityTrainer t = trainer(m, cfg.toBuilder().steps(6).build(), true)) {
            CheckpointStore.CorruptCheckpointException e = assertThrows(CheckpointStore.CorruptCheckpointException.class, () -> t.train(DATA, out));
            assertTrue(e.getMessage().contains(newest.toString()) && e.getMessage().contains(previous.toString()), e.getMessage());
        }
        assertTrue(Files.isDirectory(previous));
        assertEquals(2, CheckpointStore.load(previous).step());
    }

    @Test
    void nanLossStopsWithTheStepAndKeepsTheCheckpoint(@TempDir Path out) {
        TrainConfig cfg = config().steps(4).checkpointEvery(2).build();
        try (NDManager m = NDManager.newBaseManager(); InfinityTrainer t = trainer(m, cfg.toBuilder().stopAfterStep(2).build(), false)) {
            t.train(DATA, out);
        }
        try (NDManager m = NDManager.newBaseManager(); InfinityTrainer t = trainer(m, cfg, false)) {
            // poison the frozen text encoder (not part of the checkpoint): every loss from now on is NaN
            ToyTextEncoder text = (ToyTextEncoder) textOf(t);
            text.namedParameters().get("final_layer_norm.weight").array().set(new ai.djl.ndarray.index.NDIndex("0"), Float.NaN);
            InfinityTrainer.NonFiniteLossException e = assertThrows(InfinityTrainer.NonFiniteLossException.class, () -> t.train(DATA, out));
            assertTrue(e.getMessage().contains("step 3"), e.getMessage());
        }
        assertEquals(List.of(out.resolve("checkpoints/step-0000002")), new CheckpointStore(out.resolve("checkpoints"), 2).list());
        assertEquals(2, new CheckpointStore(out.resolve("checkpoints"), 2).latest().orElseThrow().step());
    }

    private static Object textOf(InfinityTrainer t) {
        try {
            var f = InfinityTrainer.class.getDeclaredField("text");
            f.setAccessible(true);
            return f.get(t);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
