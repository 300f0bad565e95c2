package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.infinity.workbench.data.ImagePreprocess;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.infer.Generation;
import dev.infinity.workbench.infer.GenerationOptions;
import dev.infinity.workbench.infer.InfinityGenerator;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.SafeTensors;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.text.TextCondition;
import dev.infinity.workbench.text.ToyTextEncoder;
import dev.infinity.workbench.tokenizer.BitwiseSelfCorrection;
import dev.infinity.workbench.tokenizer.BsqVae;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.tokenizer.Tokenizer;
import dev.infinity.workbench.tokenizer.VaeConfig;
import dev.infinity.workbench.tokenizer.VaeLoader;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A complete small text-to-image model in one folder (the bundled one is {@code models/toy/}):
 * <pre>
 *   toy_model.json          schedule (list of [h, w]), pixel size, default cfg / tau
 *   tokenizer.safetensors   BSQ-VAE weights (official key names) + tokenizer.json (official VAE args)
 *   text/                   ToyTextEncoder (config.json, vocab.json, model.safetensors)
 *   infinity.safetensors    transformer weights (official key names) + infinity.json (InfinityConfig)
 * </pre>
 * <pre>
 *   try (ToyModel toy = ToyModel.loadBundled(); Generation g = toy.generate(List.of("a red circle"), toy.defaults().seed(1).build())) {
 *       g.savePng(Path.of("red_circle.png"), 0);
 *   }
 * </pre>
 */
public final class ToyModel implements AutoCloseable {
    private final NDManager manager;
    private final BsqVae tokenizer;
    private final ToyTextEncoder text;
    private final Infinity model;
    private final ScaleSchedule schedule;
    private final JsonObject meta;

    private ToyModel(NDManager manager, BsqVae tokenizer, ToyTextEncoder text, Infinity model, ScaleSchedule schedule, JsonObject meta) {
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.text = text;
        this.model = model;
        this.schedule = schedule;
        this.meta = meta;
    }

    /** The bundled folder: {@code models/toy} under the workbench home ({@code -Dworkbench.home}, else the working directory). */
    public static Path bundledPath() {
        String home = System.getProperty("workbench.home");
        Path root = home != null ? Path.of(home) : Path.of("");
        Path p = root.resolve("models/toy");
        return Files.isDirectory(p) || home != null ? p : Path.of("../models/toy");
    }

    public static ToyModel loadBundled() { return load(bundledPath()); }

    /** Loads a folder written by {@link #save}. */
    public static ToyModel load(Path dir) {
        Path metaFile = dir.resolve("toy_model.json");
        JsonObject meta;
        try {
            meta = JsonParser.parseString(Files.readString(metaFile)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(metaFile + ": not found (a toy model folder has toy_model.json, tokenizer.*, text/, infinity.*)");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(metaFile + ": not a valid toy model description: " + e.getMessage());
        }
        ScaleSchedule schedule = scheduleFrom(meta, metaFile);
        VaeConfig vc;
        InfinityConfig ic;
        try {
            vc = VaeConfig.fromOfficialArgs(JsonParser.parseString(Files.readString(dir.resolve("tokenizer.json"))).getAsJsonObject());
            ic = new Gson().fromJson(Files.readString(dir.resolve("infinity.json")), InfinityConfig.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(dir + ": unreadable tokenizer.json / infinity.json: " + e.getMessage());
        }
        BsqVae tokenizer = VaeLoader.load(dir.resolve("tokenizer.safetensors"), vc);
        NDManager manager = NDManager.newBaseManager(Devices.resolve());
        try {
            ToyTextEncoder text = ToyTextEncoder.load(dir.resolve("text"), manager);
            Infinity model = Infinity.load(manager, ic, dir.resolve("infinity.safetensors"));
            return new ToyModel(manager, tokenizer, text, model, schedule, meta);
        } catch (RuntimeException e) {
            manager.close();
            tokenizer.close();
            throw e;
        }
    }

    /** Writes a model folder (each file atomically). */
    public static void save(Path dir, BsqVae tokenizer, ToyTextEncoder text, Infinity model, ScaleSchedule schedule, int pixelSize, double cfg, double tau) {
        Map<String, HostTensor> tok = new LinkedHashMap<>(), inf = new LinkedHashMap<>();
        tokenizer.namedParameters().forEach((k, p) -> tok.put(k, HostTensor.of(p.array())));
        model.namedParameters().forEach((k, p) -> inf.put(k, HostTensor.of(p.array())));
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        SafeTensors.write(dir.resolve("tokenizer.safetensors"), tok, Map.of("format", "pt"));
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), gson.toJson(tokenizer.config().toOfficialArgs()));
        text.save(dir.resolve("text"));
        SafeTensors.write(dir.resolve("infinity.safetensors"), inf, Map.of("format", "pt"));
        AtomicFiles.writeString(dir.resolve("infinity.json"), gson.toJson(model.config()));
        JsonObject meta = new JsonObject();
        JsonArray scales = new JsonArray();
        for (ScaleSchedule.Scale s : schedule) {
            JsonArray hw = new JsonArray();
            hw.add(s.h());
            hw.add(s.w());
            scales.add(hw);
        }
        meta.add("schedule", scales);
        meta.addProperty("pixel_size", pixelSize);
        meta.addProperty("cfg", cfg);
        meta.addProperty("tau", tau);
        AtomicFiles.writeString(dir.resolve("toy_model.json"), gson.toJson(meta));
    }

    private static ScaleSchedule scheduleFrom(JsonObject meta, Path file) {
        try {
            JsonArray a = meta.getAsJsonArray("schedule");
            List<ScaleSchedule.Scale> scales = new ArrayList<>();
            for (var e : a) scales.add(new ScaleSchedule.Scale(e.getAsJsonArray().get(0).getAsInt(), e.getAsJsonArray().get(1).getAsInt()));
            if (scales.isEmpty()) throw new IllegalArgumentException("empty");
            return ScaleSchedule.of(scales);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": 'schedule' must be a non-empty list of [h, w] (" + e.getMessage() + ")");
        }
    }

    public BsqVae tokenizer() { return tokenizer; }
    public ToyTextEncoder textEncoder() { return text; }
    public Infinity transformer() { return model; }
    public ScaleSchedule schedule() { return schedule; }

    /** The tokenizer's scales of the schedule (the bits {@code Generation.bits()} holds): the same, or twice each side with spatial patchify. */
    public ScaleSchedule tokenizerSchedule() {
        return model.config().applySpatialPatchify() ? SpatialPatchify.cells(schedule) : schedule;
    }
    public int pixelSize() { return meta.get("pixel_size").getAsInt(); }

    /**
     * What the transformer predicts for a real image when it sees the truth: the image's bits are encoded along the
     * schedule, every scale gets the true previous scales as input (teacher forcing, no guidance), its most likely
     * bits are kept, and the tokenizer decodes them. {@code image} is pixelSize x pixelSize. Comparing this with
     * sampled images tells a model's own mistakes from those that compound while sampling.
     */
    public BufferedImage teacherForced(String prompt, BufferedImage image) {
        return teacherForced(prompt, image, 0);
    }

    /**
     * {@link #teacherForced(String, BufferedImage)} with the first {@code trueScales} scales' bits taken from the tokenizer
     * instead of the model: with all but the last scale true it shows what the model's last scale alone does to the image.
     */
    public BufferedImage teacherForced(String prompt, BufferedImage image, int trueScales) {
        int size = pixelSize();
        if (image.getWidth() != size || image.getHeight() != size) {
            throw new IllegalArgumentException("image is " + image.getWidth() + "x" + image.getHeight() + ", the model's pixel size is " + size);
        }
        if (trueScales < 0 || trueScales > schedule.size()) throw new IllegalArgumentException("trueScales must be in 0.." + schedule.size() + ": " + trueScales);
        boolean patchify = model.config().applySpatialPatchify();
        ScaleSchedule cells = tokenizerSchedule();
        int d = model.config().codebookDim();
        try (NDManager m = tokenizer.manager().newSubManager()) {
            NDArray x = m.create(ImagePreprocess.toTensor(image, size, size), new Shape(1, 3, size, size));
            BitwiseSelfCorrection.Result clean = BitwiseSelfCorrection.builder(tokenizer.quantizer).noiseApplyLayers(0).build()
                    .apply(tokenizer.encoder.forward(x), cells, new Random(0));
            NDArray inputs = clean.inputs();                                                           // (1, cells - 1, d / 4 or d)
            if (patchify) inputs = SpatialPatchify.inputsToTokens(inputs, cells);
            TextCondition condition = text.encode(List.of(prompt), m);
            float[] logits = model.forward(condition, inputs.toDevice(manager.getDevice(), false), schedule).toFloatArray();  // (1, L, d, 2)
            List<NDArray> bits = new ArrayList<>();
            int token = 0;
            for (int si = 0; si < schedule.size(); si++) {
                ScaleSchedule.Scale sc = schedule.get(si), cell = cells.get(si);
                if (si < trueScales) {
                    bits.add(clean.gtBits().get(si).toType(DataType.INT64, false).reshape(1, cell.h(), cell.w(), -1));   // (1, h, w, cell bits)
                } else {
                    long[] b = new long[sc.tokens() * d];
                    for (int i = 0; i < b.length; i++) b[i] = logits[2 * (token * d + i) + 1] > logits[2 * (token * d + i)] ? 1 : 0;
                    bits.add(SpatialPatchify.tokenBitsToCells(m.create(b, new Shape(1, sc.tokens(), d)), sc, patchify));
                }
                token += sc.tokens();
            }
            return Tokenizer.toImages(tokenizer.decodeBits(bits, cells)).get(0);
        }
    }

    /** Generation settings this model was tuned for (cfg, tau); add a seed etc. and build. */
    public GenerationOptions.Builder defaults() {
        return GenerationOptions.builder().cfg(meta.get("cfg").getAsDouble()).tau(meta.get("tau").getAsDouble());
    }

    /** One image per prompt; close the result. */
    public Generation generate(List<String> prompts, GenerationOptions options) {
        var condition = text.encode(prompts);
        try {
            return new InfinityGenerator(model, tokenizer).generate(condition, schedule, options);
        } finally {
            condition.features().close();
        }
    }

    @Override
    public void close() {
        manager.close();
        tokenizer.close();
    }
}
