package dev.infinity.workbench.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.text.TextEncoder;
import dev.infinity.workbench.text.TextEncoders;
import dev.infinity.workbench.text.ToyTextEncoder;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.TokenizerTrainer;
import dev.infinity.workbench.tokenizer.TrainingImages;
import dev.infinity.workbench.tokenizer.VaeConfig;
import dev.infinity.workbench.train.InfinityTrainer;
import dev.infinity.workbench.train.TrainConfig;
import dev.infinity.workbench.train.TrainSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code ./workbench train <what> ...}: training runs, resumed from the output folder.
 * <ul>
 *   <li>{@code tokenizer --out DIR [--data DIR] [--d 16] [--preset tiny] [--steps N] ...}: a BSQ-VAE tokenizer;</li>
 *   <li>{@code infinity --data DIR --tokenizer PATH --out DIR [--model tiny] [--text toy|DIR] [--steps --batch --lr ...]}:
 *       an Infinity transformer with a frozen tokenizer (see {@link InfinityTrainer}).</li>
 * </ul>
 */
final class TrainCommand implements Command {
    @Override public String name() { return "train"; }
    @Override public String summary() {
        return "train tokenizer --out DIR [--data DIR] [--d 16] ... | train infinity --data DIR --tokenizer PATH --out DIR [--model tiny] [--text toy|DIR] [--steps --batch --lr ...] (both resume from --out)";
    }

    @Override
    public int run(Args args) {
        String what = args.positional(0, "what to train (tokenizer | infinity)");
        return switch (what) {
            case "tokenizer" -> tokenizer(args);
            case "infinity" -> infinity(args);
            default -> throw new Args.UsageException("unknown training target '" + what + "' (tokenizer, infinity)");
        };
    }

    private static int tokenizer(Args args) {
        String init = args.get("init", null);
        Path initJson = init == null ? null : Path.of(init).toAbsolutePath().resolveSibling("tokenizer.json");
        // fine-tuning: the architecture of the starting weights (their tokenizer.json), unless flags say otherwise
        VaeConfig.Builder b = initJson != null && Files.exists(initJson) ? TokenizerTrainer.savedConfig(initJson.getParent()).toBuilder()
                : VaeConfig.preset(args.get("preset", "d16")).toBuilder();
        String d = args.get("d", null);
        if (d != null) b.codebookDim(args.getInt("d", 16));
        if (args.get("base", null) != null) b.baseChannels(args.getInt("base", 128));
        String mult = args.get("ch-mult", null);
        if (mult != null) {
            try {
                b.chMult(Arrays.stream(mult.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray());
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--ch-mult expects comma-separated integers, got '" + mult + "'");
            }
        }
        if (args.get("patch", null) != null) b.patchSize(args.getInt("patch", 16));
        if (args.get("res-blocks", null) != null) b.numResBlocks(args.getInt("res-blocks", 2));
        if (args.get("norm-groups", null) != null) b.normGroups(args.getInt("norm-groups", 0));
        VaeConfig cfg = b.build();
        TokenizerTrainer.Options o = new TokenizerTrainer.Options()
                .steps(args.getInt("steps", 1000))
                .batchSize(args.getInt("batch", 4))
                .imageSize(args.getInt("size", 64))
                .lr(args.getDouble("lr", 1e-4))
                .minLr(args.getDouble("min-lr", 0))
                .warmupSteps(args.getInt("warmup", 0))
                .weightDecay(args.getDouble("wd", 0))
                .maxGradNorm(args.getDouble("clip", 1.0))
                .l1Weight(args.getDouble("l1", 1))
                .l2Weight(args.getDouble("l2", 1))
                .checkpointEvery(args.getInt("ckpt-every", 200))
                .evalEvery(args.getInt("eval-every", 50))
                .seed(args.getInt("seed", 0))
                .decoderOnly(args.flag("decoder-only"));
        if (init != null) {
            if (!Files.isRegularFile(Path.of(init))) throw new Args.UsageException("--init " + init + ": no such file");
            o.init(Path.of(init));
        }
        String discStart = args.get("disc-start", null);
        if (discStart != null) o.discriminator(args.getInt("disc-start", 0), args.getDouble("disc-weight", 0.1));
        String out = args.get("out", null);
        if (out == null) throw new Args.UsageException("--out DIR is required (checkpoints, metrics.csv, tokenizer.safetensors)");
        String data = args.get("data", null);
        args.rejectUnknown();
        TrainingImages images = data == null ? TrainingImages.shapes(1) : TrainingImages.folder(Path.of(data));
        System.err.println("training " + cfg + " on " + (data == null ? "rendered shapes" : data) + " -> " + out);
        TokenizerTrainer trainer = new TokenizerTrainer(cfg, o, Path.of(out));
        try (BsqVae vae = trainer.train(images)) {
            System.out.println("wrote " + Path.of(out).resolve("tokenizer.safetensors") + " (" + vae.parameterCount() + " parameters)");
        }
        return 0;
    }

    private static int infinity(Args args) {
        Path data = Path.of(args.get("data", Workbench.home().resolve("data/infinity_toy_data").toString()));
        String tokPath = args.get("tokenizer", null);
        String outPath = args.get("out", null);
        if (tokPath == null || outPath == null) throw new Args.UsageException("--tokenizer PATH and --out DIR are required");
        String preset = args.get("model", "tiny");
        String textSpec = args.get("text", "toy");
        InfinityConfig presetConfig = InfinityConfig.preset(preset);
        int textWidth = args.getInt("text-width", presetConfig.textChannels());
        int textLen = args.getInt("text-len", presetConfig.textMaxLen());
        long seed = args.getInt("seed", 0);
        boolean patchify = args.flag("patchify");
        TrainConfig cfg = TrainConfig.builder().steps(args.getInt("steps", 1000)).batchSize(args.getInt("batch", 8))
                .lr(args.getDouble("lr", 3e-4)).minLr(args.getDouble("min-lr", args.getDouble("lr", 3e-4) * 0.1))
                .warmupSteps(args.getInt("warmup", 50)).weightDecay(args.getDouble("wd", 0.05)).maxGradNorm(args.getDouble("clip", 2.0))
                .labelSmoothing(args.getDouble("label-smoothing", 0)).reweightLossByScale(args.flag("reweight-by-scale"))
                .condDropRate(args.getDouble("cond-drop", 0.1))
                .bitwiseSelfCorrection(args.getInt("noise-layers", 13), args.getDouble("noise-strength", 0.3))
                .emaDecay(args.getDouble("ema", 0)).checkpointEvery(args.getInt("ckpt-every", 200)).evalEvery(args.getInt("eval-every", 100))
                .valBatches(args.getInt("val-batches", 4)).logEvery(args.getInt("log-every", 10)).seed(seed)
                .pixelSize(args.getInt("pixel-size", 64)).template(args.get("template", null))
                .shortCaptionProb(args.getDouble("short-prob", 0.2)).trainTextEncoder(!args.flag("freeze-text")).build();
        args.rejectUnknown();
        Engine.getInstance().setRandomSeed((int) seed);
        try (BsqVae tokenizer = TrainSetup.tokenizer(Path.of(tokPath));
             NDManager manager = NDManager.newBaseManager(Devices.resolve())) {
            TextEncoder text;
            if (textSpec.equals("toy")) {
                text = TextEncoders.toy(manager, textWidth, TrainSetup.captions(data), textLen);
            } else if (Files.isRegularFile(Path.of(textSpec, "vocab.json"))) {
                text = ToyTextEncoder.load(Path.of(textSpec), manager);
            } else {
                text = TextEncoders.flanT5(Path.of(textSpec));
            }
            InfinityConfig mc = TrainSetup.modelConfig(preset, text.channels(), Math.max(textLen, text.maxLength()), tokenizer.config().codebookDim(),
                    patchify);
            Infinity model = new Infinity(manager, mc);
            System.err.printf("Infinity %s: %,d parameters; text encoder %s%n", preset, model.parameterCount(), text.getClass().getSimpleName());
            try (InfinityTrainer trainer = new InfinityTrainer(model, text, tokenizer, cfg)) {
                trainer.train(data, Path.of(outPath));
            }
            text.close();
        }
        System.out.println("trained model in " + outPath);
        return 0;
    }
}
