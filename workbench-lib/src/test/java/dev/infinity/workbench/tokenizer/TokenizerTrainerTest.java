package dev.infinity.workbench.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTrainerTest {
    /** A small patch-8 tokenizer: 32x32 images give a 4x4 latent and the schedule 2x2, 4x4. */
    static VaeConfig small(int d) {
        return VaeConfig.builder().baseChannels(32).chMult(1, 1, 2, 2).numResBlocks(1).patchSize(8).codebookDim(d).build();
    }

    static TokenizerTrainer.Options options(int steps) {
        return new TokenizerTrainer.Options().steps(steps).batchSize(4).imageSize(32).lr(4e-3).warmupSteps(5)
                .checkpointEvery(40).evalEvery(40).progress(null);
    }

    @Test
    void lossFallsAndPsnrRisesThenResumes(@TempDir Path out) throws Exception {
        TokenizerTrainer trainer = new TokenizerTrainer(small(16), options(80), out);
        List<TokenizerTrainer.StepMetrics> h;
        try (BsqVae vae = trainer.train(TrainingImages.shapes(1))) {
            h = List.copyOf(trainer.history());
        }
        assertEquals(80, h.size());
        double first = h.subList(0, 5).stream().mapToDouble(TokenizerTrainer.StepMetrics::loss).average().orElseThrow();
        double last = h.subList(70, 80).stream().mapToDouble(TokenizerTrainer.StepMetrics::loss).average().orElseThrow();
        double psnr = h.get(79).psnr();
        System.out.printf("loss %.4f -> %.4f, held-out PSNR %.2f -> %.2f dB%n", first, last, trainer.initialPsnr(), psnr);
        assertTrue(last < 0.85 * first, "loss should fall: " + first + " -> " + last);
        assertTrue(psnr > trainer.initialPsnr() + 0.5, "held-out PSNR should rise: " + trainer.initialPsnr() + " -> " + psnr);
        for (String f : List.of("state.json", "metrics.csv", "tokenizer.safetensors", "tokenizer.json", "ckpt-0000080.model.safetensors")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        assertTrue(Files.notExists(out.resolve("ckpt-0000040.model.safetensors")), "older checkpoints are removed");
        assertEquals(81, Files.readAllLines(out.resolve("metrics.csv")).size());

        // a longer run in the same folder resumes at step 80 and keeps the earlier metrics
        TokenizerTrainer more = new TokenizerTrainer(small(16), options(84), out);
        try (BsqVae vae = more.train(TrainingImages.shapes(1))) {
            assertEquals(84, more.history().size());
            assertEquals(h.get(79).loss(), more.history().get(79).loss(), 1e-6);
            assertTrue(Double.isNaN(more.initialPsnr()), "a resumed run does not re-evaluate the initial model");
        }
    }

    /** The mean-colour floor by hand: one channel alternates 0 and 1 (MSE 1/4 there), two are constant: MSE 1/12. */
    @Test
    void meanColourPsnrIsTheConstantImageBaseline() {
        TrainingImages one = new TrainingImages() {
            @Override public float[] image(long index, int size) { throw new AssertionError("training images are not read"); }
            @Override public float[] heldOut(int index, int size) { return new float[] {-1, 1, -1, 1, 0.5f, 0.5f, 0.5f, 0.5f, -1, -1, -1, -1}; }
            @Override public int heldOutCount() { return 3; }
        };
        assertEquals(10 * Math.log10(12), TokenizerTrainer.meanColourPsnr(one, 2), 1e-9);
    }

    /** Every released codebook width trains a step; the saved tokenizer reloads and encodes to the same bits, which decode to the quantized latent. */
    @Test
    void everyCodebookWidthTrainsAndRoundTrips(@TempDir Path root) throws Exception {
        for (int d : new int[] {16, 24, 32, 64}) {
            Path out = root.resolve("d" + d);
            TokenizerTrainer trainer = new TokenizerTrainer(small(d), options(1), out);
            try (BsqVae trained = trainer.train(TrainingImages.shapes(2));
                 Tokenizer reloaded = Tokenizer.load(out.resolve("tokenizer.safetensors"), TokenizerTrainer.savedConfig(out));
                 NDManager m = NDManager.newBaseManager()) {
                float[] img = TrainingImages.shapes(3).heldOut(0, 32);
                NDArray x = m.create(img, new Shape(1, 3, 32, 32));
                Tokenizer a = Tokenizer.of(trained);
                MultiScaleCode code = a.encode(x);
                MultiScaleCode again = reloaded.encode(x);
                assertEquals(List.of(new ScaleSchedule.Scale(2, 2), new ScaleSchedule.Scale(4, 4)), code.schedule().scales());
                for (int s = 0; s < code.bits().size(); s++) {
                    assertEquals(d, code.bits().get(s).getShape().get(3));
                    assertArrayEquals(code.bits().get(s).toIntArray(), again.bits().get(s).toIntArray(), "d=" + d + " scale " + s);
                }
                NDArray fromBits = trained.quantizer.decode(code.bits(), code.schedule());
                assertArrayEquals(code.quantized().toFloatArray(), fromBits.toFloatArray(), 2e-6f, "d=" + d);
            }
        }
    }

    @Test
    void patchDiscriminatorJoinsAfterWarmUp(@TempDir Path out) {
        TokenizerTrainer trainer = new TokenizerTrainer(small(16), options(3).discriminator(1, 0.1).discriminatorSize(32, 2), out);
        try (BsqVae vae = trainer.train(TrainingImages.shapes(4))) {
            List<TokenizerTrainer.StepMetrics> h = trainer.history();
            assertTrue(Double.isNaN(h.get(0).ganD()), "no GAN during warm-up");
            for (TokenizerTrainer.StepMetrics m : h.subList(1, 3)) {
                assertTrue(Double.isFinite(m.ganG()) && Double.isFinite(m.ganD()) && Double.isFinite(m.gradNorm()), m.toString());
                assertTrue(m.ganD() >= 0, "hinge loss is non-negative: " + m);
            }
        }
        assertTrue(Files.exists(out.resolve("ckpt-0000003.disc.safetensors")));
    }

    /** Fine-tuning the decoder from saved weights: the encoder is untouched, so every image keeps its bits; the decoder changes. */
    @Test
    void decoderOnlyFineTuningKeepsTheBits(@TempDir Path root) throws Exception {
        Path base = root.resolve("base"), tuned = root.resolve("tuned");
        new TokenizerTrainer(small(16), options(2), base).train(TrainingImages.shapes(5)).close();
        TokenizerTrainer fine = new TokenizerTrainer(small(16), options(3).init(base.resolve("tokenizer.safetensors")).decoderOnly(true), tuned);
        try (BsqVae after = fine.train(TrainingImages.shapes(5));
             Tokenizer before = Tokenizer.load(base.resolve("tokenizer.safetensors"), small(16));
             NDManager m = NDManager.newBaseManager()) {
            assertTrue(Double.isFinite(fine.initialPsnr()));
            for (var e : before.vae().namedParameters().entrySet()) {
                if (e.getKey().startsWith("decoder.")) continue;
                assertTrue(e.getValue().array().contentEquals(after.namedParameters().get(e.getKey()).array()), e.getKey() + " must stay frozen");
            }
            float[] w0 = before.vae().namedParameters().get("decoder.conv_out.conv.weight").array().toFloatArray();
            float[] w1 = after.namedParameters().get("decoder.conv_out.conv.weight").array().toFloatArray();
            assertTrue(!java.util.Arrays.equals(w0, w1), "the decoder is trained");
            NDArray x = m.create(TrainingImages.shapes(3).heldOut(0, 32), new Shape(1, 3, 32, 32));
            MultiScaleCode a = before.encode(x), b = Tokenizer.of(after).encode(x);
            for (int s = 0; s < a.bits().size(); s++) assertArrayEquals(a.bits().get(s).toIntArray(), b.bits().get(s).toIntArray(), "scale " + s);
        }
    }
}
