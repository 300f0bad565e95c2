package dev.infinity.workbench.kernel;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShellException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A cell that failed, as Jupyter shows it: an error name, a one-line value and traceback lines.
 * Compile errors read like javac's diagnostics; runtime errors carry the exception's real class and a short
 * stack trace without the kernel's own frames.
 */
final class CellException extends Exception {
    private static final int MAX_FRAMES = 15;
    private static final int MAX_CAUSE_FRAMES = 6;

    final String ename;
    final String evalue;
    final List<String> traceback;

    CellException(String ename, String evalue, List<String> traceback) {
        super(ename + ": " + evalue, null, false, false);
        this.ename = ename;
        this.evalue = evalue;
        this.traceback = List.copyOf(traceback);
    }

    /**
     * javac's diagnostics for a rejected snippet, with line numbers counted in the cell.
     *
     * @param snippetStart where the snippet's source begins in the cell
     */
    static CellException compile(List<Diag> diagnostics, String snippetSource, String cell, int snippetStart) {
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag d : diagnostics) {
            if (!d.isError()) continue;
            String message = d.getMessage(Locale.ROOT);
            String[] parts = message.split("\\R", -1);
            if (first == null) first = parts[0];
            int pos = d.getStartPosition() >= 0 ? (int) d.getStartPosition() : (int) Math.max(0, d.getPosition());
            int cellPos = snippetStart + Math.min(pos, snippetSource.length());
            // the snippet may carry an added ';' that the cell does not have
            cellPos = Math.min(cellPos, cell.length());
            int lineStart = cell.lastIndexOf('\n', cellPos - 1) + 1;
            int lineEnd = cell.indexOf('\n', cellPos);
            if (lineEnd < 0) lineEnd = cell.length();
            int lineNumber = 1 + (int) cell.substring(0, lineStart).chars().filter(c -> c == '\n').count();
            lines.add("cell:" + lineNumber + ": error: " + parts[0]);
            lines.add(cell.substring(lineStart, lineEnd));
            lines.add(" ".repeat(cellPos - lineStart) + "^");
            for (int i = 1; i < parts.length; i++) {
                if (!parts[i].isBlank() && !parts[i].matches("\\s*location: class\\s*")) lines.add(parts[i]); // JShell's wrapper class has no name
            }
        }
        if (first == null) {
            first = "the cell does not compile";
            lines.add(first);
        }
        return new CellException("CompilationError", first, lines);
    }

    /**
     * An exception thrown by notebook code (or an {@code Error}, e.g. StackOverflowError): the real
     * throwable's class and message, with JShell's stack (frames of snippets read {@code (#id:line)}) where
     * JShell translated one.
     */
    static CellException runtime(Throwable real, JShellException translated) {
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable jshell = translated;
        boolean cause = false;
        for (Throwable c = real; c != null && seen.add(c); c = c.getCause(), cause = true) {
            lines.add((cause ? "Caused by: " : "") + c);
            StackTraceElement[] frames = jshell instanceof EvalException ? jshell.getStackTrace() : userFrames(c.getStackTrace());
            int max = cause ? MAX_CAUSE_FRAMES : MAX_FRAMES;
            for (int i = 0; i < Math.min(max, frames.length); i++) lines.add("\tat " + format(frames[i]));
            if (frames.length > max) lines.add("\t... " + (frames.length - max) + " more");
            jshell = jshell == null ? null : jshell.getCause();
        }
        String message = real.getMessage();
        return new CellException(real.getClass().getName(), message == null ? "" : message, lines);
    }

    static CellException runtime(Throwable t) {
        return runtime(t, null);
    }

    static CellException of(String ename, String evalue) {
        return new CellException(ename, evalue, List.of(ename + ": " + evalue));
    }

    /** The frames above the kernel's reflective call into the snippet. */
    private static StackTraceElement[] userFrames(StackTraceElement[] frames) {
        int end = frames.length;
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].getClassName().equals(InProcessExecution.class.getName())) {
                end = i;
                break;
            }
        }
        while (end > 0 && isReflection(frames[end - 1])) end--;
        return Arrays.copyOf(frames, end);
    }

    private static boolean isReflection(StackTraceElement f) {
        String c = f.getClassName();
        return c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.");
    }

    /** Snippet frames as JShell prints them: {@code f (#12:3)}; other frames as usual. */
    private static String format(StackTraceElement f) {
        String file = f.getFileName();
        if (file == null || !file.startsWith("#")) return f.toString();
        String where = f.getClassName().isEmpty() ? f.getMethodName() : f.getClassName() + "." + f.getMethodName();
        return (where.isEmpty() ? "" : where + " ") + "(" + file + ":" + f.getLineNumber() + ")";
    }
}
