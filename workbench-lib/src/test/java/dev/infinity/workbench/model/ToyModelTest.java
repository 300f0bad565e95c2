package dev.infinity.workbench.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.infer.Generation;
import dev.infinity.workbench.text.TextEncoders;
import dev.infinity.workbench.text.ToyTextEncoder;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.VaeConfig;
import dev.infinity.workbench.train.InfinityTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A toy model folder round-trips (same weights) and generates images of the bundled size. */
class ToyModelTest {
    @Test
    void savedFolderLoadsAndGenerates(@TempDir Path dir) throws Exception {
        Engine.getInstance().setRandomSeed(3);
        try (BsqVae vae = new BsqVae(VaeConfig.builder().baseChannels(32).chMult(1, 1, 1, 1).numResBlocks(1).patchSize(8).codebookDim(8).build());
             NDManager m = NDManager.newBaseManager()) {
            ToyTextEncoder text = TextEncoders.toy(m, 128, List.of("a red circle", "a red circle", "a blue square", "a blue square"), 8);
            Infinity model = new Infinity(m, InfinityConfig.preset("micro").toBuilder().textMaxLen(8).build());
            ToyModel.save(dir, vae, text, model, InfinityTrainer.scheduleFor(4, 4), 32, 2.0, 1.0);
            try (ToyModel toy = ToyModel.load(dir);
                 Generation g = toy.generate(List.of("a red circle", "a blue square"), toy.defaults().seed(5).build())) {
                assertEquals(List.of(2L, 3L, 32L, 32L), List.of(g.image().getShape().get(0), g.image().getShape().get(1), g.image().getShape().get(2), g.image().getShape().get(3)));
                assertEquals(32, toy.pixelSize());
                assertArrayEquals(model.namedParameters().get("head.weight").array().toFloatArray(),
                        toy.transformer().namedParameters().get("head.weight").array().toFloatArray(), 0f);
                g.savePng(dir.resolve("x.png"), 1);
                assertTrue(Files.size(dir.resolve("x.png")) > 0);
            }
        }
        Files.delete(dir.resolve("toy_model.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ToyModel.load(dir));
        assertTrue(e.getMessage().contains("toy_model.json"), e.getMessage());
    }
}
