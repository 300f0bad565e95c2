package dev.infinity.workbench.kernel;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import jdk.jshell.spi.SPIResolutionException;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * JShell's execution engine, in the kernel's own process and on the caller's thread: snippets run in the
 * {@link NotebookClassLoader}, and the last result object and the last thrown exception are kept as real
 * objects (JShell's own engines hand back only strings), so results can be rendered richly and errors
 * reported with their real class.
 *
 * <p>Interrupting a cell: its thread is interrupted (now, or when its code starts if JShell is still
 * compiling); code that ignores interrupts is stopped after a grace period where the JVM still allows
 * {@code Thread.stop} (JDK 17).
 */
final class InProcessExecution extends DirectExecutionControl {
    private static final long STOP_GRACE_MS = 3000;

    private final NotebookClassLoader loader;
    private Thread userThread;           // non-null while user code runs
    private boolean cellInterrupted;     // until the cell ends
    private volatile Object lastValue;
    private volatile Throwable lastThrowable;

    InProcessExecution(NotebookClassLoader loader) {
        this(loader, new SnippetLoading(loader));
    }

    private InProcessExecution(NotebookClassLoader loader, SnippetLoading delegate) {
        super(delegate);
        this.loader = loader;
    }

    ExecutionControlProvider provider() {
        ExecutionControl self = this;
        return new ExecutionControlProvider() {
            @Override public String name() { return "workbench-in-process"; }
            @Override public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) { return self; }
        };
    }

    /** JShell's text for a value (strings quoted and escaped, arrays expanded). */
    static String text(Object value) {
        return valueString(value);
    }

    /** The cell ended: interrupts are over. */
    synchronized void endCell() {
        cellInterrupted = false;
    }

    synchronized boolean cellInterrupted() {
        return cellInterrupted;
    }

    /** A new snippet starts. */
    void forgetLast() {
        lastValue = null;
        lastThrowable = null;
    }

    Object lastValue() { return lastValue; }

    Throwable lastThrowable() { return lastThrowable; }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Object value = doitMethod.invoke(null);
        lastValue = value;
        return valueString(value);
    }

    @Override
    protected String throwConvertedInvocationException(Throwable cause) throws RunException, InternalException {
        if (!(cause instanceof SPIResolutionException)) lastThrowable = cause;
        return super.throwConvertedInvocationException(cause);
    }

    @Override
    protected synchronized void clientCodeEnter() {
        userThread = Thread.currentThread();
        if (cellInterrupted) userThread.interrupt();
    }

    @Override
    protected synchronized void clientCodeLeave() {
        userThread = null;
    }

    /** Interrupts the running cell (called from the kernel's control thread). */
    synchronized void interrupt() {
        if (cellInterrupted) return; // a stopper is already at work
        cellInterrupted = true;
        if (userThread != null) userThread.interrupt();
        Thread stopper = new Thread(this::stopWhileInterrupted, "notebook-stopper");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** Stops the cell's code, every grace period, for as long as the interrupted cell runs. */
    @SuppressWarnings({"deprecation", "removal"})
    private void stopWhileInterrupted() {
        while (true) {
            try {
                Thread.sleep(STOP_GRACE_MS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (!cellInterrupted) return;
                if (userThread == null) continue;
                try {
                    userThread.stop();
                } catch (UnsupportedOperationException e) {
                    System.err.println("kernel: the cell ignores interrupts and this JVM cannot stop threads; restart the kernel");
                    return;
                }
            }
        }
    }

    @Override
    public void stop() {
        interrupt();
    }

    @Override
    public void addToClasspath(String classpath) {
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) loader.addPath(Path.of(entry));
        }
    }

    /** Hands JShell's compiled classes to the notebook class loader. */
    private static final class SnippetLoading implements LoaderDelegate {
        private final NotebookClassLoader loader;
        private final Map<String, Class<?>> classes = new HashMap<>();

        SnippetLoading(NotebookClassLoader loader) {
            this.loader = loader;
        }

        @Override
        public void load(ClassBytecodes[] cbcs) throws ClassInstallException {
            boolean[] installed = new boolean[cbcs.length];
            try {
                for (ClassBytecodes cbc : cbcs) loader.declare(cbc.name(), cbc.bytecodes());
                for (int i = 0; i < cbcs.length; i++) {
                    Class<?> c = loader.loadClass(cbcs[i].name());
                    c.getDeclaredMethods(); // link now, so errors show at definition
                    classes.put(cbcs[i].name(), c);
                    installed[i] = true;
                }
            } catch (Throwable e) {
                throw new ClassInstallException("load: " + e, installed);
            }
        }

        @Override
        public void classesRedefined(ClassBytecodes[] cbcs) {
            for (ClassBytecodes cbc : cbcs) loader.declare(cbc.name(), cbc.bytecodes());
        }

        @Override
        public void addToClasspath(String classpath) {
            throw new UnsupportedOperationException("handled by InProcessExecution");
        }

        @Override
        public Class<?> findClass(String name) throws ClassNotFoundException {
            Class<?> c = classes.get(name);
            if (c == null) throw new ClassNotFoundException(name + " was not loaded by the notebook");
            return c;
        }
    }
}
