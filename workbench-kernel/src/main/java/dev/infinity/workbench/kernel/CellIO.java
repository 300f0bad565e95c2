package dev.infinity.workbench.kernel;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.JupyterIO;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The cell's stdout, stderr, stdin and display stream, bound to the request being executed. What a cell
 * prints is sent to the notebook every {@value #FLUSH_MS} ms (and when the cell ends), not one message
 * per {@code print}.
 */
final class CellIO extends JupyterIO {
    private static final int FLUSH_MS = 100;

    final PrintStream stdout = buffered(out);
    final PrintStream stderr = buffered(err);
    private volatile boolean attached;

    CellIO() {
        super(StandardCharsets.UTF_8);
        Thread flusher = new Thread(this::flushPeriodically, "cell-output-flusher");
        flusher.setDaemon(true);
        flusher.start();
    }

    private static PrintStream buffered(OutputStream jupyterStream) {
        return new PrintStream(new BufferedOutputStream(jupyterStream, 1 << 16), false, StandardCharsets.UTF_8);
    }

    void attach(ShellReplyEnvironment env, boolean stdinEnabled) {
        setEnv(env);
        setJupyterInEnabled(stdinEnabled);
        attached = true;
    }

    void flush() {
        stdout.flush();
        stderr.flush();
    }

    void detach(ShellReplyEnvironment env) {
        flush();
        attached = false;
        retractEnv(env);
    }

    private void flushPeriodically() {
        while (true) {
            try {
                Thread.sleep(FLUSH_MS);
            } catch (InterruptedException e) {
                return;
            }
            if (attached) flush();
        }
    }
}
