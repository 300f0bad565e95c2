package dev.infinity.workbench.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentsTest {
    /** The project root, whether the tests run in workbench-lib (Maven) or in the root. */
    static final Path REPO = Files.isDirectory(Path.of("models/toy")) ? Path.of(".") : Path.of("..");

    @TempDir Path root;

    @Test
    void classifierHeadSizesMatchThePaper() {
        // Infinity Fig. 2: d = 32 at width 2048 → 8.8T parameters for a 2^32-way head, 0.13M for the bitwise head
        assertEquals(8.8e12, ClassifierSizeExperiment.conventionalHead(2048, 32).doubleValue(), 0.01e12);
        assertEquals(0.13e6, ClassifierSizeExperiment.bitwiseHead(2048, 32), 0.005e6);
    }

    @Test
    void runWritesConfigProvenanceAndResultsThenResumes() throws Exception {
        Files.createDirectories(root.resolve("experiments"));
        Files.writeString(root.resolve("experiments/heads.json"),
                "{\"kind\": \"classifier-size\", \"params\": {\"widths\": [8]}, \"budgets\": {\"small\": {\"dims\": [4]}, \"full\": {\"dims\": [4, 8]}}}");
        Path out = Experiments.run(root, "heads", "small");
        Path csv = out.resolve("classifier_size.csv");
        assertTrue(Files.exists(out.resolve("config.json")) && Files.exists(out.resolve("provenance.json")));
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"budget\": \"small\""));
        assertEquals(2, Files.readAllLines(csv).size(), "header + one row (d=4 at width 8)");
        long stamp = Files.getLastModifiedTime(csv).toMillis();
        Thread.sleep(20);
        Experiments.run(root, "heads", "small");
        assertEquals(stamp, Files.getLastModifiedTime(csv).toMillis(), "finished part is not redone");
        IllegalStateException other = assertThrows(IllegalStateException.class, () -> Experiments.run(root, "heads", "full"));
        assertTrue(other.getMessage().contains("other settings") && other.getMessage().contains("full"), other.getMessage());
        assertEquals(2, Files.readAllLines(csv).size(), "the small run's results are left as they were");
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"budget\": \"small\""));
        assertThrows(IllegalArgumentException.class, () -> Experiments.run(root, "heads", "huge"));
        assertThrows(IllegalArgumentException.class, () -> Experiments.run(root, "missing", "small"));
    }

    @Test
    void toyModelFineTuneStartsFromTheGeneratorItTrained() throws Exception {
        Path data = REPO.resolve("data/infinity_toy_data").toAbsolutePath();
        Files.createDirectories(root.resolve("experiments"));
        Files.writeString(root.resolve("experiments/toy.json"), """
                {"kind": "toy-model", "params": {"data": "%s", "image_size": 32, "d": 16, "tok_base_channels": 8, "tok_norm_groups": 4, "tok_ch_mult": [1, 2, 2],
                 "tok_patch": 4, "tok_steps": 2, "tok_batch": 2, "gen_data_count": 40, "gen_preset": "micro", "text_width": 128, "text_len": 48,
                 "gen_steps": 3, "ft_steps": 2, "gen_batch": 2, "gen_eval_every": 100, "noise_apply_strength": 0.0,
                 "sample_prompts": "a red circle", "samples_per_prompt": 1, "bundle": "bundle"},
                 "budgets": {"small": {}}}""".formatted(data.toString().replace('\\', '/')));
        Path out = Experiments.run(root, "toy", "small");
        List<String> gen = Files.readAllLines(out.resolve("generator/metrics.csv")), ft = Files.readAllLines(out.resolve("generator_ft/metrics.csv"));
        int valLoss = List.of(gen.get(0).split(",")).indexOf("val_loss");
        String lastGen = gen.get(gen.size() - 1), firstFt = ft.get(1);
        assertTrue(lastGen.startsWith("3,") && firstFt.startsWith("0,"), lastGen + " / " + firstFt);
        assertEquals(Double.parseDouble(lastGen.split(",")[valLoss]), Double.parseDouble(firstFt.split(",")[valLoss]), 1e-5,
                "the fine-tune's step-0 validation loss is the trained generator's final one");
        assertEquals(2, Integer.parseInt(ft.get(ft.size() - 1).split(",")[0]));
        assertTrue(Files.exists(root.resolve("bundle/toy_model.json")) && Files.exists(out.resolve("samples/00_seed0_a_red_circle.png")));
    }

    @Test
    void genEvalWritesPerTagScoresAndPerImageVerdicts() throws Exception {
        List<String> lines = Files.readAllLines(REPO.resolve("data/infinity_toy_data/eval_prompts.jsonl"));
        Files.createDirectories(root.resolve("experiments"));
        Files.write(root.resolve("prompts.jsonl"), List.of(lines.get(0), lines.get(lines.size() - 1)));     // a single object, a colour attribution
        Files.writeString(root.resolve("experiments/ge.json"), """
                {"kind": "geneval-toy", "params": {"model": "%s", "prompts": "prompts.jsonl", "cfg": 2, "tau": 0.5, "seed": 0, "batch": 2},
                 "budgets": {"small": {"samples": 2}}}""".formatted(REPO.resolve("models/toy").toAbsolutePath().toString().replace('\\', '/')));
        Path out = Experiments.run(root, "ge", "small");
        List<String> perImage = Files.readAllLines(out.resolve("images.csv"));
        assertEquals("prompt_index,sample,tag,prompt,correct,reason,detections", perImage.get(0));
        assertEquals(5, perImage.size(), "header + 2 prompts x 2 samples");
        assertTrue(perImage.get(1).startsWith("0,0,single_object,") && perImage.get(1).contains(" px)"), perImage.get(1));
        long correct = perImage.stream().skip(1).filter(l -> l.split(",")[4].equals("true")).count();
        List<String> tags = Files.readAllLines(out.resolve("geneval.csv"));
        assertEquals(correct, tags.stream().skip(1).filter(l -> !l.startsWith("overall")).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum(),
                "per-tag counts add up to the per-image verdicts");
        assertTrue(Files.exists(out.resolve("images/00001/samples/01.png")));
    }
}
