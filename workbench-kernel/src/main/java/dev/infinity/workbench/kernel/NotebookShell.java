package dev.infinity.workbench.kernel;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The notebook's Java state: one JShell whose snippets run in this process, on one dedicated thread whose
 * context class loader is the {@link NotebookClassLoader}. Every use of JShell (eval, completion, classpath)
 * happens on that thread; {@link #interrupt()} is the only call from another thread.
 */
final class NotebookShell {
    /** Returned by {@link #evalCell} when the cell does not end with an expression. */
    static final Object NO_VALUE = new Object();

    private static final List<String> DEFAULT_IMPORTS = List.of(
            "java.io.*", "java.math.*", "java.net.*", "java.nio.file.*", "java.util.*", "java.util.concurrent.*",
            "java.util.function.*", "java.util.regex.*", "java.util.stream.*", "java.awt.image.BufferedImage",
            "static dev.infinity.workbench.kernel.Notebook.display");
    private static final long STACK_BYTES = 64L << 20; // deep recursion in user code and javac

    private final NotebookClassLoader loader = new NotebookClassLoader(ClassLoader.getSystemClassLoader());
    private final InProcessExecution execution = new InProcessExecution(loader);
    private final ExecutorService notebookThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(null, r, "notebook", STACK_BYTES);
        t.setDaemon(true);
        t.setContextClassLoader(loader);
        return t;
    });
    private final JShell jshell;
    private volatile boolean cellRunning;

    NotebookShell() {
        jshell = JShell.builder().executionEngine(execution.provider(), Map.of()).build();
        // warms JShell up (~1 s) while the client is still connecting
        notebookThread.submit(() -> DEFAULT_IMPORTS.forEach(i -> {
            List<SnippetEvent> events = jshell.eval("import " + i + ";");
            if (events.stream().anyMatch(e -> e.status() == Snippet.Status.REJECTED)) {
                System.err.println("kernel: default import failed: " + i);
            }
        }));
    }

    /** Runs a cell's work on the notebook thread and waits for it; {@link #interrupt()} applies meanwhile. */
    <T> T runCell(Callable<T> cellTask) throws Exception {
        cellRunning = true;
        try {
            return call(cellTask);
        } finally {
            cellRunning = false;
            execution.endCell();
        }
    }

    /** Runs {@code task} on the notebook thread and waits for it. */
    <T> T call(Callable<T> task) throws Exception {
        Future<T> f = notebookThread.submit(task);
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }

    /**
     * Evaluates a cell's Java source snippet by snippet (call on the notebook thread). Returns the value of
     * the last snippet when it is an expression, else {@link #NO_VALUE}.
     */
    Object evalCell(String cell) throws CellException {
        Thread.interrupted(); // an interrupt that arrived after the previous cell ended
        SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();
        Object value = NO_VALUE;
        String rest = cell;
        while (!rest.isBlank()) {
            if (execution.cellInterrupted()) throw CellException.of("Interrupted", "the cell was interrupted");
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) break;
            int start = cell.length() - rest.length();
            String source;
            if (info.completeness().isComplete()) {
                source = info.source();
                rest = info.remaining();
            } else { // let javac say what is missing
                source = rest;
                rest = "";
            }
            value = evalSnippet(source, cell, startOf(source, cell, start));
        }
        return value;
    }

    private Object evalSnippet(String source, String cell, int start) throws CellException {
        execution.forgetLast();
        Object value = NO_VALUE;
        for (SnippetEvent e : jshell.eval(source)) {
            if (e.causeSnippet() != null) continue;
            Snippet s = e.snippet();
            if (e.status() == Snippet.Status.REJECTED) {
                throw CellException.compile(jshell.diagnostics(s).collect(Collectors.toList()), s.source(), cell, start);
            }
            if (e.exception() != null) throw runtimeError(e.exception());
            if (e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED || e.status() == Snippet.Status.RECOVERABLE_DEFINED) {
                System.err.println("note: " + describe(s) + " cannot be used until "
                        + String.join(", ", jshell.unresolvedDependencies((DeclarationSnippet) s).toList()) + " is declared");
            }
            if (isExpression(s)) value = execution.lastValue();
        }
        return value;
    }

    private CellException runtimeError(JShellException e) {
        if (e instanceof UnresolvedReferenceException u) {
            DeclarationSnippet s = u.getSnippet();
            return CellException.of("UnresolvedReference", describe(s) + " cannot be used until "
                    + String.join(", ", jshell.unresolvedDependencies(s).toList()) + " is declared");
        }
        Throwable real = execution.lastThrowable();
        if (real != null && real.getClass().getName().equals("java.lang.ThreadDeath")) {
            return CellException.of("Interrupted", "the cell's code ignored the interrupt and was stopped");
        }
        if (real != null) return CellException.runtime(real, e);
        String name = e instanceof EvalException ee ? ee.getExceptionClassName() : e.getClass().getName();
        return CellException.of(name, String.valueOf(e.getMessage()));
    }

    private static boolean isExpression(Snippet s) {
        return s.kind() == Snippet.Kind.EXPRESSION || s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
    }

    private static String describe(Snippet s) {
        return s instanceof DeclarationSnippet d ? s.kind().name().toLowerCase() + " " + d.name() : "this code";
    }

    /** Where the snippet's text begins in the cell (JShell may trim it or add a ';'). */
    private static int startOf(String source, String cell, int from) {
        String firstLine = source.strip().lines().findFirst().orElse("");
        if (firstLine.endsWith(";")) firstLine = firstLine.substring(0, firstLine.length() - 1);
        int at = firstLine.isEmpty() ? -1 : cell.indexOf(firstLine, from);
        if (at >= 0) return at;
        while (from < cell.length() && Character.isWhitespace(cell.charAt(from))) from++;
        return from;
    }

    /** Adds a jar or class folder to compile and run time. */
    void addToClasspath(Path entry) {
        if (!Files.exists(entry)) throw new IllegalArgumentException("no such file or folder: " + entry);
        jshell.addToClasspath(entry.toAbsolutePath().toString());
    }

    /** Interrupts the running cell; called from the kernel's control thread. */
    void interrupt() {
        if (cellRunning) execution.interrupt();
    }

    SourceCodeAnalysis analysis() {
        return jshell.sourceCodeAnalysis();
    }
}
