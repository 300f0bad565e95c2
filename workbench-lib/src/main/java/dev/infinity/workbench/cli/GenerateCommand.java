package dev.infinity.workbench.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonParser;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.infer.Generation;
import dev.infinity.workbench.infer.GenerationOptions;
import dev.infinity.workbench.infer.InfinityGenerator;
import dev.infinity.workbench.tokenizer.VaeLoader;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.model.ToyModel;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.text.TextEncoder;
import dev.infinity.workbench.text.TextEncoders;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.DynamicResolution;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code ./workbench generate --prompt TEXT --model M --tokenizer T --text-encoder E --out file.png}: text to image. */
final class GenerateCommand implements Command {
    @Override public String name() { return "generate"; }

    @Override
    public String summary() {
        return "text-to-image with an Infinity checkpoint: --prompt --model --tokenizer --text-encoder --out [--cfg 3 --tau 1 --seed 0 "
                + "--h-div-w 1.0 --pn 0.06M --top-k 900 --top-p 0.97 --cfg-layer 0 --negative TEXT]; without model files the bundled toy model, "
                + "with its own cfg and tau unless given";
    }

    @Override
    public int run(Args args) throws Exception {
        String prompt = args.get("prompt", null);
        String model = args.get("model", null), tokenizer = args.get("tokenizer", null), encoder = args.get("text-encoder", null);
        String out = args.get("out", null), negative = args.get("negative", null);
        // null: not given, so the defaults of the model's builder apply (official cfg 3, tau 1; the toy bundle's own)
        double[] cfg = numbers(args.get("cfg", null), "cfg"), tau = numbers(args.get("tau", null), "tau");
        long seed = args.getInt("seed", 0);
        double hDivW = args.getDouble("h-div-w", 1.0);
        String pn = args.get("pn", "0.06M");
        int topK = args.getInt("top-k", 900), layer = args.getInt("cfg-layer", 0);
        double topP = args.getDouble("top-p", 0.97);
        args.rejectUnknown();
        if (prompt == null || out == null) throw new Args.UsageException("needs --prompt TEXT and --out FILE.png");
        if (model == null && tokenizer == null && encoder == null) return bundled(prompt, out, cfg, tau, seed, topK, topP, layer, negative);
        if (model == null || tokenizer == null || encoder == null) {
            throw new Args.UsageException("generate needs three local files (nothing is downloaded):\n"
                    + "  --model PATH         Infinity transformer checkpoint (.pth state dict, training checkpoint, or safetensors),\n"
                    + "                       e.g. infinity_2b_reg.pth or a model trained with the workbench\n"
                    + "  --tokenizer PATH     BSQ-VAE checkpoint with the same bit width d (e.g. infinity_vae_d32_reg.pth)\n"
                    + "  --text-encoder DIR   flan-T5 folder (config.json + model weights + tokenizer.json/spiece.model)\n"
                    + "                       or a toy text encoder folder saved by the workbench\n"
                    + "missing: " + (model == null ? "--model " : "") + (tokenizer == null ? "--tokenizer " : "") + (encoder == null ? "--text-encoder" : "")
                    + "\n(or give none of the three to use the bundled toy model, " + ToyModel.bundledPath() + ")");
        }
        ScaleSchedule schedule = DynamicResolution.schedule(hDivW, pn);
        try (NDManager manager = NDManager.newBaseManager(Devices.resolve());
             BsqVae vae = VaeLoader.load(Path.of(tokenizer));
             TextEncoder text = openEncoder(Path.of(encoder), manager)) {
            StateDict sd = StateDict.load(Path.of(model));
            long modelBits = sd.get("word_embed.weight").shape()[1];
            // a transformer with 4x the tokenizer's bits per token uses 2x2 spatial patchify (the 8B model)
            Infinity infinity = Infinity.load(manager, sd, InfinityConfig.builder().applySpatialPatchify(modelBits == 4L * vae.config().codebookDim()
                    && modelBits != vae.config().codebookDim()));
            if (text.channels() != infinity.config().textChannels()) {
                throw new IllegalArgumentException(encoder + " gives " + text.channels() + "-channel features, " + model + " expects " + infinity.config().textChannels());
            }
            TextCondition cond = text.encode(List.of(prompt));
            GenerationOptions.Builder o = sampling(GenerationOptions.builder(), cfg, tau).seed(seed).topK(topK).topP(topP).cfgInsertionLayer(layer)
                    .progress(r -> System.err.printf(Locale.ROOT, "scale %2d/%d  %3dx%-3d %.3f s%n", r.index() + 1, r.scales(), r.h(), r.w(), r.seconds()));
            if (negative != null) o.negative(text.encode(List.of(negative)));
            try (Generation g = new InfinityGenerator(infinity, vae).generate(cond, schedule, o.build())) {
                g.savePng(Path.of(out), 0);
                System.out.printf(Locale.ROOT, "wrote %s (%dx%d, %s, h/w template %s): transformer %.2f s, decode %.2f s%n", out,
                        schedule.last().h() * 16, schedule.last().w() * 16, pn, DynamicResolution.nearestTemplate(hDivW),
                        g.transformerSeconds(), g.decodeSeconds());
            }
        }
        return 0;
    }

    /** Text to image with the bundled toy model ({@link ToyModel#loadBundled()}: its own schedule and pixel size). */
    private static int bundled(String prompt, String out, double[] cfg, double[] tau, long seed, int topK, double topP, int layer, String negative) {
        try (ToyModel toy = ToyModel.loadBundled()) {
            GenerationOptions.Builder o = sampling(toy.defaults(), cfg, tau).seed(seed).topK(topK).topP(topP).cfgInsertionLayer(layer);
            if (negative != null) o.negative(toy.textEncoder().encode(List.of(negative)));
            try (Generation g = toy.generate(List.of(prompt), o.build())) {
                g.savePng(Path.of(out), 0);
                System.out.printf(Locale.ROOT, "wrote %s (%dx%d, bundled toy model %s): transformer %.2f s, decode %.2f s%n", out, toy.pixelSize(),
                        toy.pixelSize(), ToyModel.bundledPath(), g.transformerSeconds(), g.decodeSeconds());
            }
        }
        return 0;
    }

    /** A toy text encoder folder (config.json with model_type toy_text) or a flan-T5 folder. */
    private static TextEncoder openEncoder(Path dir, NDManager manager) throws java.io.IOException {
        Path config = dir.resolve("config.json");
        if (Files.isRegularFile(config) && JsonParser.parseString(Files.readString(config)).getAsJsonObject().has("model_type")
                && "toy_text".equals(JsonParser.parseString(Files.readString(config)).getAsJsonObject().get("model_type").getAsString())) {
            return TextEncoders.toy(dir, manager);
        }
        return TextEncoders.flanT5(dir);
    }

    /** The given --cfg / --tau on top of {@code base}'s defaults. */
    private static GenerationOptions.Builder sampling(GenerationOptions.Builder base, double[] cfg, double[] tau) {
        if (cfg != null) base.cfg(cfg);
        if (tau != null) base.tau(tau);
        return base;
    }

    private static double[] numbers(String csv, String what) {
        if (csv == null) return null;
        String[] parts = csv.split(",");
        double[] out = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) out[i] = Double.parseDouble(parts[i].trim());
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--" + what + " expects a number or a comma-separated list per scale, got '" + csv + "'");
        }
        return out;
    }
}
