package dev.infinity.workbench.kernel;

import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** A Tablesaw table as an HTML table: the first and last rows of long tables, with column types. */
final class TableHtml {
    static final int HEAD_ROWS = 20;
    static final int TAIL_ROWS = 5;

    private TableHtml() {}

    static String of(Table table) {
        StringBuilder html = new StringBuilder("<div>");
        if (!table.name().isEmpty()) html.append("<b>").append(escape(table.name())).append("</b> ");
        html.append("<small>").append(table.rowCount()).append(" rows × ").append(table.columnCount())
                .append(" columns</small>\n<table>\n<thead><tr><th></th>");
        for (Column<?> c : table.columns()) {
            html.append("<th>").append(escape(c.name())).append("<br><small>")
                    .append(c.type().name().toLowerCase()).append("</small></th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        int n = table.rowCount();
        boolean elide = n > HEAD_ROWS + TAIL_ROWS;
        for (int r = 0; r < n; r++) {
            if (elide && r == HEAD_ROWS) {
                html.append("<tr><td>…</td>").append("<td>…</td>".repeat(table.columnCount())).append("</tr>\n");
                r = n - TAIL_ROWS;
            }
            html.append("<tr><th>").append(r).append("</th>");
            for (Column<?> c : table.columns()) html.append("<td>").append(escape(c.getString(r))).append("</td>");
            html.append("</tr>\n");
        }
        return html.append("</tbody>\n</table></div>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
