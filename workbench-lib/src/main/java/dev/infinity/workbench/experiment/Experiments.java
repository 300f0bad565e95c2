package dev.infinity.workbench.experiment;

import java.nio.file.Path;
import java.util.List;

/** The registry of experiment kinds and the entry point of {@code ./workbench experiment NAME}. */
public final class Experiments {
    private Experiments() {}

    public static List<Experiment> kinds() {
        return List.of(
                new ClassifierSizeExperiment(),
                new ToyModelExperiment(),
                new VocabAblationExperiment(),
                new ScalingSweepExperiment(),
                new GenEvalExperiment());
    }

    /** Runs {@code experiments/NAME.json} under {@code repoRoot} into {@code results/NAME/}. */
    public static Path run(Path repoRoot, String name, String budget) throws Exception {
        Path file = repoRoot.resolve("experiments").resolve(name.endsWith(".json") ? name : name + ".json");
        ExperimentSpec spec = ExperimentSpec.load(file, budget);
        Experiment kind = kinds().stream().filter(k -> k.kind().equals(spec.kind())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(file + ": unknown kind '" + spec.kind() + "'"));
        ExperimentContext ctx = new ExperimentContext(spec, repoRoot.resolve("results").resolve(spec.name()), repoRoot);
        ctx.writeProvenance();
        kind.run(ctx);
        return ctx.outDir();
    }
}
