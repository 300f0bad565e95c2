package dev.infinity.workbench.kernel;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The headless runner (run_notebooks.py, Jupyter's nbclient) on small notebooks and the tour notebook. */
class NotebookRunnerTest {
    private static final String RUNNER = "src/main/python/run_notebooks.py";
    private static final Path TOUR = Jupyter.REPO.resolve("notebooks/workbench_tour.ipynb");
    private static final Path GOLDEN_VAE = Jupyter.REPO.resolve("../shared/golden/vae/vae.pth");

    @TempDir
    static Path tmp;
    static Jupyter jupyter;

    @BeforeAll
    static void kernel() throws Exception {
        jupyter = Jupyter.withKernel(tmp.resolve("jupyter"));
    }

    @Test
    void passingNotebooksAreExecutedAndSavedAndSkippedOnesSaySo() throws Exception {
        Path out = tmp.resolve("passing");
        List<String> args = new ArrayList<>(List.of(RUNNER, "--out", out.toString(), "src/test/resources/notebooks/passing"));
        boolean tour = Files.exists(GOLDEN_VAE); // the tour reads a golden checkpoint from ../shared
        if (tour) args.add(TOUR.toString());
        Jupyter.Result run = jupyter.python("", 300, args.toArray(String[]::new));

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("PASSED   small.ipynb"), run.output());
        assertTrue(run.output().contains("SKIPPED  later.ipynb") && run.output().contains("needs the VAE, not built yet"), run.output());
        assertFalse(Files.exists(out.resolve("later.ipynb")), "a skipped notebook has no executed copy");

        JsonArray cells = cells(out.resolve("small.ipynb"));
        assertEquals("computing\n", outputs(cells, 1).get(0).getAsJsonObject().get("text").getAsString());
        assertEquals("42", outputs(cells, 2).get(0).getAsJsonObject().getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals("java.lang.UnsupportedOperationException", outputs(cells, 3).get(0).getAsJsonObject().get("ename").getAsString());
        assertEquals("43", outputs(cells, 4).get(0).getAsJsonObject().getAsJsonObject("data").get("text/plain").getAsString(),
                "cells after a tagged raises-exception cell still run");

        if (tour) {
            assertTrue(run.output().contains("PASSED   workbench_tour.ipynb"), run.output());
            String executed = Files.readString(out.resolve("workbench_tour.ipynb"));
            assertTrue(executed.contains("\"image/png\"") && executed.contains("\"text/html\""), "the tour shows a table, a chart and an image");
        }
    }

    @Test
    void anErrorFailsTheRunAndTheExecutedCopyIsStillSaved() throws Exception {
        Path out = tmp.resolve("failing");
        Jupyter.Result run = jupyter.python("", 300, RUNNER, "--out", out.toString(), "src/test/resources/notebooks/failing");

        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("FAILED   error.ipynb") && run.output().contains("java.lang.IllegalArgumentException: bad input in cell 2"),
                run.output());
        JsonArray cells = cells(out.resolve("error.ipynb"));
        assertEquals("bad input in cell 2", outputs(cells, 1).get(0).getAsJsonObject().get("evalue").getAsString());
        assertEquals(0, outputs(cells, 2).size(), "execution stops at the first untagged error");
    }

    @Test
    void aTimeoutFailsTheRunAndKillsTheKernel() throws Exception {
        Path out = tmp.resolve("timeout");
        Jupyter.Result run = jupyter.python("", 300, RUNNER, "--out", out.toString(), "--timeout", "5",
                "src/test/resources/notebooks/timeout");

        assertEquals(1, run.exitCode(), run.output());
        Matcher killed = Pattern.compile("FAILED   sleeps.ipynb .*timeout.*kernel pid (\\d+) and its process group killed").matcher(run.output());
        assertTrue(killed.find(), run.output());
        long pid = Long.parseLong(killed.group(1));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the timed-out kernel is killed");
        assertTrue(Files.exists(out.resolve("sleeps.ipynb")), "the executed copy is saved");
    }

    private static JsonArray cells(Path notebook) throws Exception {
        assertTrue(Files.exists(notebook), "no executed copy at " + notebook);
        return new Gson().fromJson(Files.readString(notebook), JsonObject.class).getAsJsonArray("cells");
    }

    private static JsonArray outputs(JsonArray cells, int index) {
        JsonElement cell = cells.get(index);
        return cell.getAsJsonObject().getAsJsonArray("outputs");
    }
}
