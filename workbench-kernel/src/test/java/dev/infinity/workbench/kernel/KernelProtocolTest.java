package dev.infinity.workbench.kernel;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.tools.ToolProvider;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real kernel (shaded jar + notebook classpath, started from its kernel.json) driven by Jupyter's own
 * client: one session of cells, each test checks one step's replies.
 */
class KernelProtocolTest {
    @TempDir
    static Path tmp;

    private static final Map<String, String> CELLS = new LinkedHashMap<>();
    private static final Map<String, JsonObject> REPLIES = new LinkedHashMap<>();

    private static void cell(String name, String code) {
        CELLS.put(name, code);
    }

    @BeforeAll
    static void runSession() throws Exception {
        Path extra = compileGreeter(tmp.resolve("extra-classes"));
        cell("declare", "int x = 41;\nSystem.out.println(\"state \" + x);");
        cell("useState", "x + 1");
        cell("image", "var img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);\nimg.setRGB(1, 1, 0xff0000);\nimg");
        cell("chart", "var chart = new org.knowm.xchart.XYChartBuilder().width(300).height(200).title(\"t\").build();\n"
                + "chart.addSeries(\"s\", new double[] {1, 2, 3}, new double[] {3, 1, 2});\nchart");
        cell("table", "tech.tablesaw.api.Table.create(\"scores\", tech.tablesaw.api.StringColumn.create(\"name\", \"a\", \"b<c\"),\n"
                + "    tech.tablesaw.api.IntColumn.create(\"n\", 1, 2))");
        cell("displayable", "record Square(int n) implements dev.infinity.workbench.viz.Displayable {\n"
                + "    public Object view() { return new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB); }\n}\nnew Square(5)");
        cell("display", "display(\"first\");\nSystem.out.println(\"between\");\ndisplay(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB));\n\"last\"");
        cell("compileError", "int ok = 1;\nString s = ok;");
        cell("runtimeError", "void fail(String why) { throw new IllegalStateException(why); }\nfail(\"boom\");");
        cell("stackOverflow", "int down(int n) { return down(n + 1) + 1; }\ndown(0)");
        cell("afterStackOverflow", "x");
        cell("sleep", "Thread.sleep(120_000);\n1");
        cell("afterInterrupt", "x * 2");
        cell("busyLoop", "long spins = 0;\nwhile (true) { spins++; }");
        cell("afterBusyLoop", "x * 3");
        cell("classpath", "%classpath " + extra + "\nnew extra.Greeter().hello()");
        cell("badMagic", "%classpath " + tmp.resolve("missing.jar"));
        cell("pidBefore", "ProcessHandle.current().pid()");
        cell("pidAfter", "ProcessHandle.current().pid()");
        cell("stateAfterRestart", "x");
        cell("afterRestart", "int z = 5;\nz * 2");

        List<Map<String, Object>> steps = new ArrayList<>();
        for (Map.Entry<String, String> c : CELLS.entrySet()) {
            if (c.getKey().equals("pidAfter")) steps.add(Map.of("restart", true));
            Map<String, Object> step = new LinkedHashMap<>(Map.of("code", c.getValue(), "timeout", 90));
            if (c.getKey().equals("sleep") || c.getKey().equals("busyLoop")) step.put("interrupt_after", 3.0);
            steps.add(step);
        }
        Jupyter jupyter = Jupyter.withKernel(tmp.resolve("jupyter"));
        Path out = tmp.resolve("replies.json");
        Jupyter.Result run = jupyter.python(new Gson().toJson(Map.of("kernel", KernelSpec.NAME, "steps", steps)), 600,
                "src/test/python/kernel_session.py", out.toString());
        assertEquals(0, run.exitCode(), run.output());
        JsonArray replies = new Gson().fromJson(Files.readString(out), JsonArray.class);
        List<String> names = new ArrayList<>(CELLS.keySet());
        int i = 0;
        for (JsonElement r : replies) {
            JsonObject reply = r.getAsJsonObject();
            if (reply.get("status").getAsString().equals("restarted")) continue;
            REPLIES.put(names.get(i++), reply);
        }
        assertEquals(names.size(), REPLIES.size(), "replies: " + replies);
    }

    /** Compiles {@code extra.Greeter} into a class folder for the %classpath magic. */
    private static Path compileGreeter(Path dir) throws Exception {
        Path src = dir.resolve("src/extra/Greeter.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package extra; public class Greeter { public String hello() { return \"hello from extra\"; } }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString()));
        return classes;
    }

    private static JsonObject ok(String cell) {
        JsonObject r = REPLIES.get(cell);
        assertEquals("ok", r.get("status").getAsString(), cell + ": " + r);
        return r;
    }

    private static JsonObject error(String cell, String ename) {
        JsonObject r = REPLIES.get(cell);
        assertEquals("error", r.get("status").getAsString(), cell + ": " + r);
        assertEquals(ename, r.get("ename").getAsString(), cell + ": " + r);
        return r;
    }

    /** The data of the cell's execute_result. */
    private static JsonObject result(JsonObject reply) {
        for (JsonElement o : reply.getAsJsonArray("outputs")) {
            if (o.getAsJsonObject().get("type").getAsString().equals("execute_result")) return o.getAsJsonObject().getAsJsonObject("data");
        }
        throw new AssertionError("no execute_result in " + reply);
    }

    private static String text(JsonObject reply) {
        return result(reply).get("text/plain").getAsString();
    }

    private static BufferedImage png(JsonObject data) throws Exception {
        assertNotNull(data.get("image/png"), "no image/png in " + data.keySet());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(data.get("image/png").getAsString())));
        assertNotNull(img, "image/png does not decode");
        return img;
    }

    @Test
    void stateIsKeptAcrossCellsAndStdoutIsStreamed() {
        assertEquals("state 41\n", ok("declare").get("stdout").getAsString());
        assertEquals("42", text(ok("useState")));
    }

    @Test
    void bufferedImageIsShownAsPng() throws Exception {
        BufferedImage img = png(result(ok("image")));
        assertEquals(8, img.getWidth());
        assertEquals(6, img.getHeight());
        assertEquals(0xff0000, img.getRGB(1, 1) & 0xffffff);
    }

    @Test
    void xchartChartIsShownAsPng() throws Exception {
        BufferedImage img = png(result(ok("chart")));
        assertEquals(300, img.getWidth());
        assertEquals(200, img.getHeight());
    }

    @Test
    void tablesawTableIsShownAsHtml() {
        String html = result(ok("table")).get("text/html").getAsString();
        assertTrue(html.contains("<table>") && html.contains("scores") && html.contains("<td>b&lt;c</td>"), html);
    }

    @Test
    void displayableIsShownAsItsView() throws Exception {
        assertEquals(5, png(result(ok("displayable"))).getWidth());
    }

    @Test
    void displayShowsValuesInOrderWithPrintedText() throws Exception {
        JsonObject r = ok("display");
        JsonArray outputs = r.getAsJsonArray("outputs");
        assertEquals(3, outputs.size(), outputs.toString());
        assertEquals("first", outputs.get(0).getAsJsonObject().getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals(2, png(outputs.get(1).getAsJsonObject().getAsJsonObject("data")).getWidth());
        assertEquals("last", text(r));
        assertEquals("between\n", r.get("stdout").getAsString());
    }

    @Test
    void compileErrorIsReportedLikeJavac() {
        JsonObject r = error("compileError", "CompilationError");
        assertTrue(r.get("evalue").getAsString().contains("incompatible types"), r.toString());
        String traceback = r.getAsJsonArray("traceback").toString();
        assertTrue(traceback.contains("cell:2: error: incompatible types") && traceback.contains("String s = ok;"), traceback);
    }

    @Test
    void runtimeExceptionIsReportedWithItsRealClassAndStack() {
        JsonObject r = error("runtimeError", "java.lang.IllegalStateException");
        assertEquals("boom", r.get("evalue").getAsString());
        JsonArray tb = r.getAsJsonArray("traceback");
        assertEquals("java.lang.IllegalStateException: boom", tb.get(0).getAsString());
        assertTrue(tb.get(1).getAsString().contains("fail"), tb.toString());
        assertTrue(tb.size() < 20, "short stack trace: " + tb);
    }

    @Test
    void stackOverflowIsReportedAndTheKernelCarriesOn() {
        JsonObject r = error("stackOverflow", "java.lang.StackOverflowError");
        assertTrue(r.getAsJsonArray("traceback").size() <= 17, "trace is cut short");
        assertEquals("41", text(ok("afterStackOverflow")));
    }

    @Test
    void interruptStopsASleepingCell() {
        JsonObject r = error("sleep", "java.lang.InterruptedException");
        assertTrue(r.get("seconds").getAsDouble() < 60, "interrupted well before the sleep ends: " + r);
        assertEquals("82", text(ok("afterInterrupt")));
    }

    @Test
    void interruptStopsABusyLoopThatIgnoresIt() {
        JsonObject r = error("busyLoop", "Interrupted");
        assertTrue(r.get("seconds").getAsDouble() < 60, r.toString());
        assertEquals("123", text(ok("afterBusyLoop")));
    }

    @Test
    void classpathMagicAddsAFolderAtCompileAndRunTime() {
        JsonObject r = ok("classpath");
        assertEquals("hello from extra", text(r));
        assertTrue(r.get("stdout").getAsString().contains("added 1 of 1"), r.toString());
        JsonObject bad = error("badMagic", "MagicError");
        assertTrue(bad.get("evalue").getAsString().contains("missing.jar"), bad.toString());
    }

    @Test
    void restartStartsAFreshProcess() {
        String before = text(ok("pidBefore"));
        String after = text(ok("pidAfter"));
        assertNotEquals(before, after, "a restarted kernel is a new process");
        assertTrue(ProcessHandle.of(Long.parseLong(before)).map(p -> !p.isAlive()).orElse(true), "the old kernel is gone");
        JsonObject gone = error("stateAfterRestart", "CompilationError");
        assertTrue(gone.getAsJsonArray("traceback").toString().contains("cannot find symbol"), gone.toString());
        assertEquals("10", text(ok("afterRestart")));
    }
}
