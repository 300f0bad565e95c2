package dev.infinity.workbench.kernel;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;

import jdk.jshell.SourceCodeAnalysis;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Jupyter kernel for the Infinity workbench: jjava's protocol layer, with cells evaluated by an
 * in-process JShell ({@link NotebookShell}). A cell is: optional leading line magics ({@code %classpath},
 * {@code %maven}), then Java snippets; the value of a final expression is shown with {@link NotebookRenderer}.
 * Every failure, {@code Error}s included, becomes a Jupyter error reply: the message loop never dies.
 */
final class WorkbenchKernel extends BaseKernel {
    private final NotebookShell shell;
    private final CellIO cellIO;

    WorkbenchKernel() {
        this(new CellIO(), new MagicsRegistry());
    }

    private WorkbenchKernel(CellIO io, MagicsRegistry magics) {
        super("workbench-java", version(), new LanguageInfo.Builder("java")
                        .version(Runtime.version().toString()).mimetype("text/x-java-source")
                        .fileExtension(".jshell").pygments("java").codemirror("text/x-java").build(),
                List.of(), null, io, new CommManager(), new NotebookRenderer(), null, magics, false,
                new StringStyler.Builder().build());
        this.cellIO = io;
        this.shell = new NotebookShell();
        Magics.registerAll(magics, shell);
    }

    private static String version() {
        String v = WorkbenchKernel.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        boolean silent = request.isSilent(); // a tool's request: no count, no echo, no result
        int count = silent ? executionCount.get() : executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        if (!silent) env.publish(new PublishExecuteInput(request.getCode(), count));

        PrintStream out = System.out, err = System.err;
        InputStream in = System.in;
        System.setOut(cellIO.stdout);
        System.setErr(cellIO.stderr);
        System.setIn(cellIO.in);
        cellIO.attach(env, request.isStdinEnabled());
        try {
            DisplayData result = shell.runCell(() -> runCell(request.getCode()));
            cellIO.flush();
            if (result != null && !silent) env.publish(new PublishExecuteResult(count, result));
            env.defer().reply(new ExecuteReply(count, Map.of()));
        } catch (Throwable t) {
            CellException e = t instanceof CellException ce ? ce : CellException.runtime(t);
            cellIO.flush();
            env.publish(new PublishError(e.ename, e.evalue, e.traceback));
            ErrorReply reply = new ErrorReply(e.ename, e.evalue, e.traceback);
            reply.setExecutionCount(count);
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        } finally {
            cellIO.detach(env);
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    /** Runs on the notebook thread: magics, snippets, then the rendering of the final value. */
    private DisplayData runCell(String code) throws CellException {
        try {
            Object value = shell.evalCell(Magics.runLeading(code, magicsRegistry, this));
            return value == NotebookShell.NO_VALUE ? null : renderer.render(value);
        } catch (CellException e) {
            throw e;
        } catch (Throwable t) { // a toString() or renderer that failed, an Error inside JShell itself
            throw CellException.runtime(t);
        }
    }

    /** Shows display data now, after what the cell printed so far. */
    @Override
    public void display(DisplayData data) {
        cellIO.flush();
        super.display(data);
    }

    @Override
    public Object evalRaw(String source) {
        try {
            Object value = shell.runCell(() -> shell.evalCell(source));
            return value == NotebookShell.NO_VALUE ? null : value;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void interrupt() {
        shell.interrupt();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        shell.interrupt();
        super.onShutdown(isRestarting);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        try {
            List<SourceCodeAnalysis.Documentation> docs = shell.call(() -> shell.analysis().documentation(code, at, true));
            if (docs.isEmpty()) return null;
            return new DisplayData(docs.stream()
                    .map(d -> d.signature() + (d.javadoc() == null ? "" : "\n" + d.javadoc()))
                    .collect(Collectors.joining("\n\n")));
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        try {
            int[] anchor = new int[1];
            List<String> options = shell.call(() -> shell.analysis().completionSuggestions(code, at, anchor).stream()
                    .map(SourceCodeAnalysis.Suggestion::continuation).distinct().collect(Collectors.toList()));
            return new ReplacementOptions(options, anchor[0], at);
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public String isComplete(String code) {
        try {
            SourceCodeAnalysis.Completeness c = shell.call(() -> shell.analysis().analyzeCompletion(code).completeness());
            switch (c) {
                case COMPLETE: case COMPLETE_WITH_SEMI: case EMPTY: return IS_COMPLETE_YES;
                case DEFINITELY_INCOMPLETE: case CONSIDERED_INCOMPLETE: return "    ";
                default: return IS_COMPLETE_BAD;
            }
        } catch (Exception e) {
            return IS_COMPLETE_MAYBE;
        }
    }
}
