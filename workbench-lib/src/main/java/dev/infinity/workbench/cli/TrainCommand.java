package dev.infinity.workbench.cli;

import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.TokenizerTrainer;
import dev.infinity.workbench.tokenizer.TrainingImages;
import dev.infinity.workbench.tokenizer.VaeConfig;

import java.nio.file.Path;
import java.util.Arrays;

/** {@code ./workbench train <what> ...}: training runs. Targets: {@code tokenizer}. */
final class TrainCommand implements Command {
    @Override public String name() { return "train"; }
    @Override public String summary() { return "train tokenizer --out DIR [--data DIR] [--d 16] [--preset tiny] [--steps N] ... (resumes from DIR)"; }

    @Override
    public int run(Args args) {
        String what = args.positional(0, "what to train (tokenizer)");
        if (!what.equals("tokenizer")) throw new Args.UsageException("unknown training target '" + what + "' (tokenizer)");
        return tokenizer(args);
    }

    private static int tokenizer(Args args) {
        VaeConfig.Builder b = VaeConfig.preset(args.get("preset", "d16")).toBuilder();
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
                .seed(args.getInt("seed", 0));
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
}
