package dev.infinity.workbench.experiment;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.infinity.workbench.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Where an experiment writes ({@code results/NAME/}) and how it resumes: each named part runs once;
 * a finished part leaves {@code parts/<id>.done} and is skipped on the next run.
 */
public final class ExperimentContext {
    private final ExperimentSpec spec;
    private final Path outDir;
    private final Path repoRoot;

    public ExperimentContext(ExperimentSpec spec, Path outDir, Path repoRoot) {
        this.spec = spec;
        this.outDir = outDir;
        this.repoRoot = repoRoot;
    }

    public ExperimentSpec spec() { return spec; }
    public Path outDir() { return outDir; }
    public Path repoRoot() { return repoRoot; }

    /**
     * Writes {@code config.json} (the exact resolved configuration) and {@code provenance.json} (git commit, time).
     * Refuses, naming both settings, when finished parts in the folder were made with other params (another budget,
     * an edited spec): they would be skipped and the results would mix two configurations.
     */
    public void writeProvenance() {
        Path parts = outDir.resolve("parts"), configFile = outDir.resolve("config.json");
        try {
            Files.createDirectories(parts);
            boolean finished;
            try (var s = Files.list(parts)) {
                finished = s.anyMatch(f -> f.getFileName().toString().endsWith(".done"));
            }
            if (finished && Files.isRegularFile(configFile)) {
                JsonObject earlier = JsonParser.parseString(Files.readString(configFile)).getAsJsonObject().getAsJsonObject("params");
                if (earlier != null && !earlier.equals(spec.params())) {
                    throw new IllegalStateException(outDir + " holds finished parts of a run with other settings (" + earlier + "; now "
                            + spec.params() + "). Run with those settings to resume, or move " + parts + " away to start over.");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonObject config = new JsonObject();
        config.addProperty("name", spec.name());
        config.addProperty("kind", spec.kind());
        config.addProperty("description", spec.description());
        config.add("params", spec.params());
        AtomicFiles.writeString(outDir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(config));
        JsonObject prov = new JsonObject();
        prov.addProperty("git_commit", git("rev-parse", "HEAD"));
        prov.addProperty("git_dirty", !git("status", "--porcelain", "--untracked-files=no").isEmpty());
        prov.addProperty("started", Instant.now().toString());
        prov.addProperty("java", System.getProperty("java.version"));
        prov.addProperty("cores", Runtime.getRuntime().availableProcessors());
        AtomicFiles.writeString(outDir.resolve("provenance.json"), new GsonBuilder().setPrettyPrinting().create().toJson(prov));
    }

    /** Runs {@code body} unless part {@code id} finished in an earlier run. Returns true when it ran. */
    public boolean part(String id, Callable<?> body) throws Exception {
        Path done = outDir.resolve("parts").resolve(id + ".done");
        if (Files.exists(done)) {
            System.err.println("[" + spec.name() + "] part " + id + ": done earlier, skipped");
            return false;
        }
        System.err.println("[" + spec.name() + "] part " + id + ": running");
        body.call();
        AtomicFiles.writeString(done, Instant.now().toString() + "\n");
        return true;
    }

    private String git(String... args) {
        try {
            String[] cmd = new String[args.length + 3];
            cmd[0] = "git";
            cmd[1] = "-C";
            cmd[2] = repoRoot.toString();
            System.arraycopy(args, 0, cmd, 3, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
