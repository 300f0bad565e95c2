package dev.infinity.workbench.kernel;

import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.magic.UndefinedMagicException;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Line magics, written at the top of a cell before any Java:
 * <pre>
 * %classpath lib/extra.jar build/classes more/jars/*   add jars or class folders
 * %maven org.example:thing:1.2                         add an artifact and its dependencies from ~/.m2
 * </pre>
 * Entries already on the kernel's classpath are skipped: the library's jars (the native ones above all)
 * are loaded by exactly one class loader.
 */
final class Magics {
    private static final Pattern MAGIC_LINE = Pattern.compile("^\\s*%(\\w+)(.*)$");

    private Magics() {}

    static void registerAll(MagicsRegistry registry, NotebookShell shell) {
        registry.registerLineMagic("classpath", (kernel, args) -> addAll(shell, expand(args)));
        registry.registerLineMagic("maven", (kernel, args) -> addAll(shell, LocalMaven.resolve(args)));
    }

    /**
     * Runs the cell's leading magic lines and returns the rest of the cell, with the magic lines blanked so
     * that line numbers in diagnostics still match the cell.
     */
    static String runLeading(String cell, MagicsRegistry registry, BaseKernel kernel) throws CellException {
        String[] lines = cell.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            Matcher m = MAGIC_LINE.matcher(lines[i]);
            if (!m.matches()) break;
            List<String> args = Arrays.stream(m.group(2).trim().split("\\s+")).filter(s -> !s.isEmpty()).collect(Collectors.toList());
            try {
                registry.evalLineMagic(kernel, m.group(1), args);
            } catch (UndefinedMagicException e) {
                throw CellException.of("UndefinedMagic", "%" + m.group(1) + " is not a magic of this kernel; there are: %"
                        + String.join(", %", registry.getLineMagicNames()));
            } catch (Exception e) {
                throw CellException.of("MagicError", "%" + m.group(1) + ": " + e.getMessage());
            }
            lines[i] = "";
        }
        return String.join("\n", lines);
    }

    private static Object addAll(NotebookShell shell, List<Path> entries) {
        Set<Path> present = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).toAbsolutePath().normalize()).collect(Collectors.toSet());
        int added = 0;
        for (Path p : entries) {
            Path abs = p.toAbsolutePath().normalize();
            if (present.contains(abs)) continue;
            shell.addToClasspath(abs);
            added++;
        }
        System.out.println("classpath: added " + added + " of " + entries.size() + " entries ("
                + (entries.size() - added) + " already present)");
        return null;
    }

    /** Paths as given; {@code dir/*} means every jar in {@code dir}. */
    private static List<Path> expand(List<String> args) throws IOException {
        if (args.isEmpty()) throw new IllegalArgumentException("%classpath needs one or more jars or folders");
        List<Path> out = new ArrayList<>();
        for (String a : args) {
            if (a.endsWith("/*")) {
                Path dir = Path.of(a.substring(0, a.length() - 2));
                if (!Files.isDirectory(dir)) throw new IllegalArgumentException("%classpath: no such folder: " + dir.toAbsolutePath());
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
                    jars.forEach(out::add);
                }
            } else {
                Path p = Path.of(a);
                if (!Files.exists(p)) throw new IllegalArgumentException("%classpath: no such file or folder: " + p.toAbsolutePath());
                out.add(p);
            }
        }
        return out;
    }
}
