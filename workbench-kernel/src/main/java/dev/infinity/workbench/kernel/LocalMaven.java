package dev.infinity.workbench.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Resolves Maven coordinates ({@code group:artifact:version}) and their runtime dependencies from the local
 * repository only ({@code mvn -o}): nothing is downloaded.
 */
final class LocalMaven {
    private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

    private LocalMaven() {}

    static List<Path> resolve(List<String> coordinates) throws IOException, InterruptedException {
        if (coordinates.isEmpty()) throw new IllegalArgumentException("%maven needs group:artifact:version coordinates");
        StringBuilder deps = new StringBuilder();
        for (String c : coordinates) {
            String[] p = c.split(":");
            if (p.length != 3) throw new IllegalArgumentException("%maven: '" + c + "' is not group:artifact:version");
            deps.append("<dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1])
                    .append("</artifactId><version>").append(p[2]).append("</version></dependency>");
        }
        Path dir = Files.createTempDirectory("workbench-maven");
        try {
            Files.writeString(dir.resolve("pom.xml"), "<project><modelVersion>4.0.0</modelVersion><groupId>notebook</groupId>"
                    + "<artifactId>maven-magic</artifactId><version>1</version><dependencies>" + deps
                    + "</dependencies></project>");
            Path out = dir.resolve("classpath.txt");
            Process mvn = new ProcessBuilder("mvn", "-o", "-q", "-B", "-f", dir.resolve("pom.xml").toString(),
                    DEPENDENCY_PLUGIN + ":build-classpath", "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + out)
                    .redirectErrorStream(true).start();
            String log = new String(mvn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (mvn.waitFor() != 0 || !Files.exists(out)) {
                throw new IllegalStateException("%maven: could not resolve " + coordinates + " from the local repository (~/.m2, offline):\n"
                        + log.lines().filter(l -> l.contains("ERROR")).limit(5).collect(Collectors.joining("\n")));
            }
            String cp = Files.readString(out).trim();
            return cp.isEmpty() ? List.of() : Arrays.stream(cp.split(File.pathSeparator)).map(Path::of).collect(Collectors.toList());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
