package dev.infinity.workbench.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves a line's {@code image_path} to a file. Absolute paths are used as they are; relative ones are
 * resolved against {@code root} after removing {@code stripPrefix} (when the path starts with it).
 *
 * <p>The official lines are relative to the official project's root ({@code data/infinity_toy_data/images/x.jpg});
 * a copy of that folder elsewhere is read with {@code new ImageRoot(copyDir, "data/infinity_toy_data/")},
 * or let {@link #detect} find that prefix.
 */
public record ImageRoot(Path root, String stripPrefix) {
    public ImageRoot {
        stripPrefix = stripPrefix == null ? "" : stripPrefix;
    }

    /** Paths relative to the working directory, as the official loader opens them. */
    public static ImageRoot workingDirectory() {
        return new ImageRoot(Path.of(""), "");
    }

    public Path resolve(String imagePath) {
        Path p = Path.of(imagePath);
        if (p.isAbsolute()) return p;
        String rel = imagePath.startsWith(stripPrefix) ? imagePath.substring(stripPrefix.length()) : imagePath;
        return root.resolve(rel);
    }

    /**
     * The root {@code dir} with the shortest leading part of {@code sampleImagePath} stripped that makes it
     * an existing file under {@code dir} (nothing stripped if it already is one); plain {@code dir} if none does.
     */
    public static ImageRoot detect(Path dir, String sampleImagePath) {
        String p = sampleImagePath;
        int cut = 0;
        while (true) {
            if (Files.isRegularFile(dir.resolve(p.substring(cut)))) return new ImageRoot(dir, p.substring(0, cut));
            int slash = p.indexOf('/', cut);
            if (slash < 0) return new ImageRoot(dir, "");
            cut = slash + 1;
        }
    }
}
