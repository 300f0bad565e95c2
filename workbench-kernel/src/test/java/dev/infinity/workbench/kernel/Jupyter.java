package dev.infinity.workbench.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs Debian's Jupyter (/usr/bin/python3 with jupyter_client, nbclient) against the kernel built by this
 * module, through a private kernelspec folder: the user's installed kernels are neither used nor touched.
 */
final class Jupyter {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private final Path dataDir;

    private Jupyter(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Writes {@code dir/kernels/workbench-java/kernel.json} for the kernel jar and notebook classpath of this build. */
    static Jupyter withKernel(Path dir) throws IOException, InterruptedException {
        requireJupyter();
        String classpath = System.getenv("WORKBENCH_KERNEL_JAR") + java.io.File.pathSeparator
                + Files.readString(Path.of(System.getenv("WORKBENCH_NOTEBOOK_CLASSPATH"))).trim();
        KernelSpec.write(dir.resolve("kernels").resolve(KernelSpec.NAME), classpath, REPO, "2g");
        return new Jupyter(dir);
    }

    private static void requireJupyter() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import nbclient, nbformat, jupyter_client")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            fail("Jupyter from Debian is missing (" + out.strip() + "): run ./workbench test, which installs "
                    + "jupyter-nbconvert jupyter-client fontconfig fonts-dejavu-core");
        }
    }

    record Result(int exitCode, String output) {}

    /** Runs a Python script of this module with the private kernelspec; stdout and stderr together. */
    Result python(String stdin, long timeoutSeconds, String... scriptAndArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
        command.addAll(List.of(scriptAndArgs));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("JUPYTER_PATH", dataDir.toString());
        pb.environment().put("JUPYTER_RUNTIME_DIR", dataDir.resolve("runtime").toString());
        Path log = Files.createTempFile(dataDir, "python", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("python " + scriptAndArgs[0] + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}
