package dev.infinity.workbench.kernel;

import com.google.gson.GsonBuilder;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Jupyter kernelspec ({@code kernel.json}) that starts this kernel: the current JVM, the given classpath
 * (the kernel jar plus the notebook classpath) and the workbench's runtime settings.
 */
public final class KernelSpec {
    public static final String NAME = "workbench-java";

    private KernelSpec() {}

    /** Writes {@code dir/kernel.json}. */
    public static Path write(Path dir, String classpath, Path workbenchHome, String maxHeap) throws IOException {
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-Xss16m",
                "-Djava.awt.headless=true",
                "-Dai.djl.offline=true",
                "--enable-native-access=ALL-UNNAMED",
                "-Dworkbench.home=" + workbenchHome.toAbsolutePath().normalize(),
                "-cp", absolute(classpath),
                KernelMain.class.getName(),
                "{connection_file}"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", "Java (Infinity workbench)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        // runtime settings of ./workbench (see README, Performance)
        spec.put("env", Map.of("MALLOC_MMAP_THRESHOLD_", "33554432", "MALLOC_TRIM_THRESHOLD_", "1073741824"));
        Files.createDirectories(dir);
        Path file = dir.resolve("kernel.json");
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec) + "\n");
        return file;
    }

    private static String absolute(String classpath) {
        return Arrays.stream(classpath.split(File.pathSeparator)).filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().normalize().toString()).collect(Collectors.joining(File.pathSeparator));
    }
}
