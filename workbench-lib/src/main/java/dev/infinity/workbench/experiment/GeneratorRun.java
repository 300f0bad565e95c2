package dev.infinity.workbench.experiment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.text.TextEncoders;
import dev.infinity.workbench.text.ToyTextEncoder;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.train.InfinityTrainer;
import dev.infinity.workbench.train.TrainConfig;
import dev.infinity.workbench.train.TrainSetup;

import java.nio.file.Path;
import java.util.List;

/**
 * One small generator trained on the toy data with a frozen tokenizer and a jointly trained toy text encoder, as
 * the experiments use it: width w, depth, FFN 4w, heads w/32; settings from the experiment's params
 * ({@code lr}, {@code warmup}, {@code short_caption_prob}, {@code eval_every}, {@code val_batches}, {@code seed},
 * {@code text_width}, {@code text_len}).
 */
record GeneratorRun(long parameters, InfinityConfig config, ScaleSchedule schedule, InfinityTrainer.StepMetrics last, double seconds) {

    static GeneratorRun train(ExperimentSpec spec, BsqVae tokenizer, Path data, int width, int depth, int steps, int batch, int pixel, Path out) {
        long t0 = System.nanoTime();
        Engine.getInstance().setRandomSeed(spec.getInt("seed", 0));
        try (NDManager m = NDManager.newBaseManager(Devices.resolve())) {
            ToyTextEncoder text = TextEncoders.toy(m, spec.getInt("text_width", 128), TrainSetup.captions(data), spec.getInt("text_len", 80));
            InfinityConfig mc = InfinityConfig.builder().embedDim(width).depth(depth).numHeads(Math.max(1, width / 32)).textChannels(text.channels())
                    .textMaxLen(text.maxLength()).codebookDim(tokenizer.config().codebookDim()).ffnHiddenDim(4 * width).build();
            double lr = spec.getDouble("lr", 2e-3);
            TrainConfig cfg = TrainConfig.builder().steps(steps).batchSize(batch).lr(lr).minLr(lr * 0.1)
                    .warmupSteps(spec.getInt("warmup", 20)).pixelSize(pixel).template("1.000").shortCaptionProb(spec.getDouble("short_caption_prob", 0.8))
                    .evalEvery(spec.getInt("eval_every", 50)).checkpointEvery(steps).valBatches(spec.getInt("val_batches", 4))
                    .logEvery(20).seed(spec.getInt("seed", 0)).build();
            Infinity model = new Infinity(m, mc);
            List<InfinityTrainer.StepMetrics> history;
            try (InfinityTrainer t = new InfinityTrainer(model, text, tokenizer, cfg)) {
                history = t.train(data, out);
            }
            int latent = pixel / tokenizer.config().patchSize();
            return new GeneratorRun(model.parameterCount(), mc, InfinityTrainer.scheduleFor(latent, latent),
                    history.get(history.size() - 1), (System.nanoTime() - t0) / 1e9);
        }
    }
}
