package dev.infinity.workbench.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.data.ImageLoader;
import dev.infinity.workbench.data.toy.ToyBackground;
import dev.infinity.workbench.data.toy.ToyColor;
import dev.infinity.workbench.data.toy.ToyObject;
import dev.infinity.workbench.data.toy.ToyPrompt;
import dev.infinity.workbench.data.toy.ToyScene;
import dev.infinity.workbench.data.toy.ToyShape;
import dev.infinity.workbench.data.ImagePreprocess;
import dev.infinity.workbench.eval.GenEvalScorer;
import dev.infinity.workbench.eval.ImageMetrics;
import dev.infinity.workbench.eval.Pixels;
import dev.infinity.workbench.infer.Generation;
import dev.infinity.workbench.text.TextEncoders;
import dev.infinity.workbench.text.ToyTextEncoder;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.MultiScaleCode;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.tokenizer.Tokenizer;
import dev.infinity.workbench.tokenizer.VaeConfig;
import dev.infinity.workbench.train.InfinityTrainer;
import dev.infinity.workbench.train.TrainSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A toy model folder round-trips (same weights), generates images of the bundled size and predicts real ones teacher-forced. */
class ToyModelTest {
    static final Path ROOT = Files.isDirectory(Path.of("models/toy")) ? Path.of(".") : Path.of("..");
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

    /**
     * The bundled model, shown an orange square of its training domain (centred, black background) with its caption,
     * predicts an image much closer to it than a blank one.
     */
    @Test
    void teacherForcedPredictionOfTheBundledModelResemblesTheImage() throws Exception {
        try (ToyModel toy = ToyModel.load(ROOT.resolve("models/toy"))) {
            ToyScene scene = new ToyScene(ToyScene.Kind.SINGLE, ToyBackground.BLACK, List.of(new ToyObject(ToyShape.SQUARE, ToyColor.ORANGE, 0.5, 0.5, 0.4)), null);
            BufferedImage image = ImagePreprocess.resizeCrop(scene.render(256, 256), 64, 64);
            BufferedImage predicted = toy.teacherForced("an orange square", image);
            assertEquals(64, predicted.getWidth());
            double tf = ImageMetrics.psnr(Pixels.of(image), Pixels.of(predicted));
            double blank = ImageMetrics.psnr(Pixels.of(image), Pixels.of(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB)));
            assertTrue(tf > blank + 5, "teacher-forced PSNR " + tf + " dB vs a black image " + blank + " dB");
            assertThrows(IllegalArgumentException.class, () -> toy.teacherForced("an orange square", new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB)));
        }
    }

    /**
     * The bundled model, sampled with its own settings, draws the prompted shape and colour for most single-object
     * evaluation prompts (one sample each; `experiment geneval_toy` measures 0.86 with four).
     */
    @Test
    void theBundledModelDrawsThePromptedShapeAndColour() throws Exception {
        List<ToyPrompt> singles = ToyPrompt.readAll(ROOT.resolve("data/infinity_toy_data/eval_prompts.jsonl")).stream()
                .filter(p -> p.tag().equals("single_object")).toList();
        try (ToyModel toy = ToyModel.load(ROOT.resolve("models/toy"));
             Generation g = toy.generate(singles.stream().map(ToyPrompt::prompt).toList(), toy.defaults().seed(0).build())) {
            List<BufferedImage> images = Tokenizer.toImages(g.image());
            long correct = 0;
            for (int i = 0; i < singles.size(); i++) if (new GenEvalScorer().score(singles.get(i), images.get(i)).correct()) correct++;
            assertTrue(correct >= 0.7 * singles.size(), correct + " of " + singles.size() + " single-object prompts drawn correctly");
        }
    }

    /** With spatial patchify the prediction regroups 2x2-cell tokens back into the tokenizer's cells. */
    @Test
    void teacherForcedWorksForAPatchifiedModel(@TempDir Path dir) throws Exception {
        Engine.getInstance().setRandomSeed(4);
        try (BsqVae vae = new BsqVae(VaeConfig.builder().baseChannels(32).chMult(1, 1, 1, 1).numResBlocks(1).patchSize(8).codebookDim(8).build());
             NDManager m = NDManager.newBaseManager()) {
            ToyTextEncoder text = TextEncoders.toy(m, 128, List.of("a red circle", "a blue square"), 8);
            Infinity model = new Infinity(m, TrainSetup.modelConfig("micro", 128, 8, 8, true));
            ToyModel.save(dir, vae, text, model, InfinityTrainer.scheduleFor(2, 2), 32, 2.0, 1.0);   // tokens 1x1, 2x2 = cells 2x2, 4x4
        }
        try (ToyModel toy = ToyModel.load(dir)) {
            BufferedImage image = ImagePreprocess.resizeCrop(ImageLoader.read(ROOT.resolve("data/infinity_toy_data/images/000002.png")), 32, 32);
            BufferedImage a = toy.teacherForced("a red circle", image), b = toy.teacherForced("a red circle", image);
            assertEquals(32, a.getHeight());
            assertTrue(Double.isInfinite(ImageMetrics.psnr(Pixels.of(a), Pixels.of(b))), "deterministic");

            // every scale true: the tokenizer's own reconstruction along the cells' schedule, whatever the prompt
            assertEquals(List.of(4, 16), toy.tokenizerSchedule().scales().stream().map(ScaleSchedule.Scale::tokens).toList());
            BufferedImage allTrue = toy.teacherForced("a red circle", image, 2);
            assertTrue(Double.isInfinite(ImageMetrics.psnr(Pixels.of(allTrue), Pixels.of(toy.teacherForced("a blue square", image, 2)))));
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.create(ImagePreprocess.toTensor(image, 32, 32), new Shape(1, 3, 32, 32));
                MultiScaleCode code = toy.tokenizer().encode(x, SpatialPatchify.cells(toy.schedule()));
                BufferedImage reconstructed = Tokenizer.toImages(toy.tokenizer().decode(code.quantized())).get(0);
                assertTrue(ImageMetrics.psnr(Pixels.of(allTrue), Pixels.of(reconstructed)) > 50, "all-true prediction = the tokenizer's reconstruction");
            }
            assertThrows(IllegalArgumentException.class, () -> toy.teacherForced("a red circle", image, 3));
        }
    }
}
