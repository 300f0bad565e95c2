package dev.infinity.workbench.experiment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import dev.infinity.workbench.data.toy.ToyBackground;
import dev.infinity.workbench.data.toy.ToyDataGenerator;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.infer.Generation;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.model.ToyModel;
import dev.infinity.workbench.text.TextEncoders;
import dev.infinity.workbench.text.ToyTextEncoder;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.train.InfinityTrainer;
import dev.infinity.workbench.train.TrainConfig;
import dev.infinity.workbench.train.TrainSetup;
import dev.infinity.workbench.tokenizer.TokenizerTrainer;
import dev.infinity.workbench.tokenizer.TrainingImages;
import dev.infinity.workbench.tokenizer.VaeConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The bundled toy model: trains a small tokenizer on the toy images, then a {@code ToyTextEncoder} and a
 * small Infinity transformer jointly on the toy captions, and writes the three into a bundle folder
 * (default {@code models/toy/}) that generation and the notebooks load by default.
 */
public final class ToyModelExperiment implements Experiment {
    @Override public String kind() { return "toy-model"; }

    @Override
    public void run(ExperimentContext ctx) throws Exception {
        ExperimentSpec spec = ctx.spec();
        Path data = ctx.repoRoot().resolve(spec.getString("data", "data/infinity_toy_data"));
        int imageSize = spec.getInt("image_size", 64);
        // "tok_dir": reuse a tokenizer trained before (e.g. by another toy-model experiment) instead of training one
        String reuse = spec.getString("tok_dir", null);
        Path tokDir = reuse != null ? ctx.repoRoot().resolve(reuse) : ctx.outDir().resolve("tokenizer");
        if (reuse == null) ctx.part("tokenizer", () -> {
            VaeConfig config = VaeConfig.builder().baseChannels(spec.getInt("tok_base_channels", 32))
                    .chMult(spec.getInts("tok_ch_mult", 1, 2, 2, 2)).numResBlocks(spec.getInt("tok_res_blocks", 1))
                    .patchSize(spec.getInt("tok_patch", 8)).codebookDim(spec.getInt("d", 16))
                    .normGroups(spec.getInt("tok_norm_groups", 0)).build();
            TokenizerTrainer.Options o = new TokenizerTrainer.Options().steps(spec.getInt("tok_steps", 600))
                    .batchSize(spec.getInt("tok_batch", 8)).imageSize(imageSize).lr(spec.getDouble("tok_lr", 1e-3))
                    .minLr(spec.getDouble("tok_lr", 1e-3) * 0.1).warmupSteps(spec.getInt("tok_warmup", 20))
                    .checkpointEvery(100).evalEvery(50);
            try (BsqVae vae = new TokenizerTrainer(config, o, tokDir).train(TrainingImages.folder(data.resolve("images")))) {
                System.err.println("tokenizer written to " + tokDir);
            }
            return null;
        });
        // "gen_data_count": the generator trains on a larger toy set generated here (seed "gen_data_seed", only the
        // training template's images, backgrounds "gen_data_backgrounds", single objects centred with
        // "gen_data_centred_singles") instead of "data"; the tokenizer and the evaluation stay on the committed set
        int genDataCount = spec.getInt("gen_data_count", 0);
        Path genData = genDataCount > 0 ? ctx.outDir().resolve("data") : data;
        if (genDataCount > 0) ctx.part("data", () -> {
            ToyDataGenerator g = new ToyDataGenerator().out(genData).seed(spec.getInt("gen_data_seed", 1)).count(genDataCount)
                    .templates(Double.parseDouble(spec.getString("template", "1.000"))).centredSingles(spec.getBoolean("gen_data_centred_singles", false))
                    .pathPrefix(ctx.repoRoot().toAbsolutePath().relativize(genData.toAbsolutePath()).toString());
            String backgrounds = spec.getString("gen_data_backgrounds", null);
            if (backgrounds != null) g.backgrounds(ToyBackground.parseList(backgrounds));
            return g.generate();
        });
        Path genDir = ctx.outDir().resolve("generator");
        boolean patchify = spec.getBoolean("gen_patchify", false);
        int latent = imageSize / spec.getInt("tok_patch", 8) / (patchify ? 2 : 1);     // in transformer tokens
        ScaleSchedule schedule = InfinityTrainer.scheduleFor(latent, latent);
        // "gen_init": start from the generator and text encoder of a bundle (or generator folder) instead of random weights
        String init = spec.getString("gen_init", null);
        ctx.part("generator", () -> {
            TrainConfig cfg = trainConfig(spec, imageSize, spec.getInt("gen_steps", 1500), spec.getDouble("gen_lr", 1e-3), spec.getDouble("noise_apply_strength", 0.3));
            trainGenerator(spec, tokDir, genData, init == null ? null : ctx.repoRoot().resolve(init), cfg, genDir, patchify);
            return null;
        });
        // "ft_steps" > 0: a second stage fine-tunes that generator ("ft_lr", Bitwise Self-Correction "ft_noise_apply_strength")
        int ftSteps = spec.getInt("ft_steps", 0);
        Path ftDir = ctx.outDir().resolve("generator_ft");
        if (ftSteps > 0) ctx.part("finetune", () -> {
            TrainConfig cfg = trainConfig(spec, imageSize, ftSteps, spec.getDouble("ft_lr", 3e-4), spec.getDouble("ft_noise_apply_strength", 0.3));
            trainGenerator(spec, tokDir, genData, genDir, cfg, ftDir, patchify);
            return null;
        });
        Path trained = ftSteps > 0 ? ftDir : genDir;
        Path bundle = ctx.repoRoot().resolve(spec.getString("bundle", "models/toy"));
        ctx.part("bundle", () -> {
            try (BsqVae tok = TrainSetup.tokenizer(tokDir); NDManager m = NDManager.newBaseManager(Devices.resolve())) {
                Infinity model = loadGenerator(trained, m);
                ToyTextEncoder text = ToyTextEncoder.load(trained.resolve("text"), m);
                ToyModel.save(bundle, tok, text, model, schedule, imageSize, spec.getDouble("cfg", 3), spec.getDouble("tau", 1));
            }
            return null;
        });
        ctx.part("samples", () -> {
            List<String> prompts = List.of(spec.getString("sample_prompts", "a red circle|a blue square|a green triangle|a yellow star|a purple cross|a white circle|two red squares|a blue circle to the left of a yellow square").split("\\|"));
            Path dir = ctx.outDir().resolve("samples");
            try (ToyModel toy = ToyModel.load(bundle)) {
                for (int seed = 0; seed < spec.getInt("samples_per_prompt", 2); seed++) {
                    try (Generation g = toy.generate(prompts, toy.defaults().seed(seed).build())) {
                        for (int i = 0; i < prompts.size(); i++) {
                            g.savePng(dir.resolve(String.format(Locale.ROOT, "%02d_seed%d_%s.png", i, seed, prompts.get(i).replace(' ', '_'))), i);
                        }
                    }
                }
            }
            System.err.println("samples in " + dir);
            return null;
        });
    }

    /** The generator's training settings; steps, learning rate (decaying to a tenth) and BSC strength per stage. */
    private static TrainConfig trainConfig(ExperimentSpec spec, int imageSize, int steps, double lr, double noiseStrength) {
        return TrainConfig.builder().steps(steps).batchSize(spec.getInt("gen_batch", 16))
                .lr(lr).minLr(lr * 0.1).warmupSteps(spec.getInt("gen_warmup", 50))
                .pixelSize(imageSize).template(spec.getString("template", "1.000")).shortCaptionProb(spec.getDouble("short_caption_prob", 0.8))
                .bitwiseSelfCorrection(spec.getInt("noise_apply_layers", 13), noiseStrength)
                .condDropRate(spec.getDouble("cond_drop_rate", 0.1)).checkpointEvery(spec.getInt("gen_ckpt_every", 100))
                .evalEvery(spec.getInt("gen_eval_every", 100)).valBatches(4).logEvery(10).seed(spec.getInt("seed", 0)).build();
    }

    /**
     * Trains the generator and its text encoder on {@code data} into {@code out}, starting from the weights in
     * {@code init} (a generator or bundle folder) or, when null, from a fresh model the params describe.
     */
    private static void trainGenerator(ExperimentSpec spec, Path tokDir, Path data, Path init, TrainConfig cfg, Path out, boolean patchify) throws IOException {
        Engine.getInstance().setRandomSeed(spec.getInt("seed", 0));
        try (BsqVae tok = TrainSetup.tokenizer(tokDir); NDManager m = NDManager.newBaseManager(Devices.resolve())) {
            Infinity model;
            ToyTextEncoder text;
            if (init != null) {
                model = loadGenerator(init, m);
                text = ToyTextEncoder.load(init.resolve("text"), m);
                System.err.println("generator and text encoder initialised from " + init);
            } else {
                int textLen = spec.getInt("text_len", 64);
                InfinityConfig preset = TrainSetup.modelConfig(spec.getString("gen_preset", "tiny"), spec.getInt("text_width", 128), textLen, tok.config().codebookDim(), patchify);
                InfinityConfig mc = preset.toBuilder().embedDim(spec.getInt("gen_width", preset.embedDim())).depth(spec.getInt("gen_depth", preset.depth()))
                        .numHeads(spec.getInt("gen_heads", preset.numHeads())).build();     // the preset, resized where the params say
                model = new Infinity(m, mc);
                text = TextEncoders.toy(m, mc.textChannels(), TrainSetup.captions(data), textLen);
            }
            try (InfinityTrainer t = new InfinityTrainer(model, text, tok, cfg)) {
                t.train(data, out);
            }
        }
    }

    /** The transformer of a generator or bundle folder ({@code infinity.json} + {@code infinity.safetensors}). */
    private static Infinity loadGenerator(Path dir, NDManager m) throws IOException {
        InfinityConfig mc = new Gson().fromJson(Files.readString(dir.resolve("infinity.json")), InfinityConfig.class);
        return Infinity.load(m, mc, dir.resolve("infinity.safetensors"));
    }
}
