package dev.infinity.workbench.kernel;

import dev.infinity.workbench.viz.Displayable;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.common.Image;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/**
 * Values to their best view: images and XChart charts as PNG, Tablesaw tables as HTML, {@link Displayable}s
 * as their {@code view()}, everything else as JShell's text. Images are registered by jjava itself; more
 * types can be added through {@code createRegistration}.
 */
final class NotebookRenderer extends Renderer {
    private static final int MAX_VIEW_DEPTH = 8;

    NotebookRenderer() {
        createRegistration(Chart.class).preferring(MIMEType.IMAGE_PNG)
                .register((chart, ctx) -> Image.renderImage(BitmapEncoder.getBufferedImage(chart), ctx));
        createRegistration(Table.class).preferring(MIMEType.TEXT_HTML)
                .register((table, ctx) -> {
                    ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> TableHtml.of(table));
                    ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> table.print(TableHtml.HEAD_ROWS));
                });
    }

    @Override
    public DisplayData render(Object value) {
        for (int depth = 0; value instanceof Displayable d && depth < MAX_VIEW_DEPTH; depth++) value = d.view();
        return value == null ? new DisplayData("null") : super.render(value);
    }

    @Override
    protected DisplayData finalizeDisplayData(DisplayData data, Object value) {
        if (!data.hasDataForType(MIMEType.TEXT_PLAIN)) data.putText(InProcessExecution.text(value));
        return data;
    }
}
