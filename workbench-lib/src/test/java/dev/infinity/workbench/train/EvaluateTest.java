package dev.infinity.workbench.train;

import dev.infinity.workbench.model.ToyModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Validation metrics of the bundled toy model on the toy split, with and without Bitwise Self-Correction noise. */
class EvaluateTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void evaluationIsDeterministicPerScaleAndNoiseChangesOnlyNoisedScales() {
        Path bundle = ROOT.resolve("models/toy"), split = ROOT.resolve("data/infinity_toy_data/splits");
        assumeTrue(Files.isDirectory(bundle) && Files.isDirectory(split), "no bundled toy model or toy data in this checkout");
        try (ToyModel toy = ToyModel.load(bundle);
             InfinityTrainer t = new InfinityTrainer(toy.transformer(), toy.textEncoder(), toy.tokenizer(),
                     TrainConfig.builder().batchSize(4).pixelSize(toy.pixelSize()).build())) {
            BitLoss.Metrics clean = t.evaluate(split, 1, 0, 7), again = t.evaluate(split, 1, 0, 7), noisy = t.evaluate(split, 1, 0.3, 7);
            assertEquals(clean.loss(), again.loss(), 0.0, "same seed, same batches, same numbers");
            assertEquals(toy.schedule().size(), clean.scaleLoss().length);
            assertTrue(Double.isFinite(clean.loss()) && clean.bitAcc() > 0.5 && clean.bitAcc() <= 1, "bit accuracy " + clean.bitAcc());
            assertEquals(clean.scaleLoss()[0], noisy.scaleLoss()[0], 1e-9, "the first scale's input (start token) carries no bits to flip");
            assertNotEquals(clean.loss(), noisy.loss(), "noise on the inputs of later scales changes the loss");
        }
    }
}
