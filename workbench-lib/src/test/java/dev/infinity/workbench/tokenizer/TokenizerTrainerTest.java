package dev.infinity.workbench.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTrainerTest {
    @TempDir Path out;

    @Test
    void tinyTokenizerLearnsRenderedShapes() throws Exception {
        VaeConfig cfg = VaeConfig.tiny();
        TokenizerTrainer.Options o = new TokenizerTrainer.Options().steps(40).batchSize(4).imageSize(32).lr(2e-3).warmupSteps(5)
                .checkpointEvery(20).evalEvery(20);
        TokenizerTrainer trainer = new TokenizerTrainer(cfg, o, out);
        long t = System.nanoTime();
        try (BsqVae vae = trainer.train(TrainingImages.shapes(1))) {
            System.out.println("train s " + (System.nanoTime() - t) / 1e9);
            List<TokenizerTrainer.StepMetrics> h = trainer.history();
            h.forEach(m -> System.out.println(m.csv()));
        }
    }
}
