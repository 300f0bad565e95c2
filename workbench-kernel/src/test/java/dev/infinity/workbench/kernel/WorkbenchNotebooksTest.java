package dev.infinity.workbench.kernel;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every workbench notebook in {@code notebooks/} executes headlessly through the real kernel on the bundled
 * defaults (small experiment budgets), and its saved copy holds the pictures and tables it promises.
 */
class WorkbenchNotebooksTest {
    private static final String RUNNER = "src/main/python/run_notebooks.py";

    /** Notebook → {minimum PNG outputs, minimum HTML tables}. */
    private static final Map<String, int[]> PROMISES = Map.of(
            "interactive_infer.ipynb", new int[] {5, 0},
            "tokenizer_vocabulary_ablation.ipynb", new int[] {2, 3},
            "scaling_laws.ipynb", new int[] {1, 2},
            "training_curves.ipynb", new int[] {5, 1},
            "rfid_psnr_tables.ipynb", new int[] {0, 2});

    @TempDir
    static Path tmp;
    static Jupyter jupyter;

    @BeforeAll
    static void kernel() throws Exception {
        jupyter = Jupyter.withKernel(tmp.resolve("jupyter"));
    }

    @Test
    void everyNotebookRunsAndShowsWhatItPromises() throws Exception {
        assumeTrue(Files.isDirectory(Jupyter.REPO.resolve("models/toy")), "the bundled toy model is not in this checkout");
        Path out = tmp.resolve("executed");
        List<String> args = new ArrayList<>(List.of(RUNNER, "--out", out.toString()));
        for (String name : PROMISES.keySet()) args.add(Jupyter.REPO.resolve("notebooks").resolve(name).toString());
        Jupyter.Result run = jupyter.python("", 1800, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.output());
        for (Map.Entry<String, int[]> e : PROMISES.entrySet()) {
            assertTrue(run.output().contains("PASSED   " + e.getKey()), run.output());
            String executed = Files.readString(out.resolve(e.getKey()));
            int png = count(executed, "\"image/png\""), html = count(executed, "\"text/html\"");
            assertTrue(png >= e.getValue()[0], e.getKey() + ": " + png + " images, promised " + e.getValue()[0]);
            assertTrue(html >= e.getValue()[1], e.getKey() + ": " + html + " tables, promised " + e.getValue()[1]);
        }
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
