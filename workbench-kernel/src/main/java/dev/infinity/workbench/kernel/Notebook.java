package dev.infinity.workbench.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;

/** What notebook code can call (statically imported in every notebook). */
public final class Notebook {
    private Notebook() {}

    /** Shows {@code value} below the cell now, rendered like a cell's result (image, chart, table, text). */
    public static void display(Object value) {
        BaseKernel kernel = BaseKernel.notebookKernel();
        kernel.display(kernel.getRenderer().render(value));
    }
}
