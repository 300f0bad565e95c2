package dev.infinity.workbench.viz;

/**
 * A result type that knows its best notebook view. When a notebook cell ends with a {@code Displayable}
 * (or passes one to {@code display(...)}), the Java kernel shows {@link #view()} instead of {@code toString()}.
 *
 * <p>A view is anything the kernel renders: a {@code java.awt.image.BufferedImage} (PNG), an XChart chart
 * (PNG), a Tablesaw {@code Table} (HTML), another {@code Displayable}, or any object (its text).
 */
public interface Displayable {
    Object view();
}
