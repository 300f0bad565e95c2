package dev.infinity.workbench.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the kernel: {@code KernelMain <connection_file>} (what Jupyter runs), or
 * {@code KernelMain --write-kernelspec DIR} to write the kernel.json that runs this JVM's classpath.
 */
public final class KernelMain {
    private KernelMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--write-kernelspec")) {
            String heap = System.getenv().getOrDefault("WORKBENCH_XMX", "8g");
            Path file = KernelSpec.write(Path.of(args[1]), System.getProperty("java.class.path"),
                    Path.of(System.getProperty("workbench.home", ".")), heap);
            System.out.println(file);
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: KernelMain <connection_file> | --write-kernelspec DIR");
            System.exit(2);
        }
        KernelConnectionProperties connection = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        JupyterConnection channels = new JupyterConnection(connection);
        WorkbenchKernel kernel = new WorkbenchKernel();
        kernel.becomeHandlerForConnection(channels);
        kernel.onStartup();
        channels.connect();
        channels.waitUntilClose();
        System.exit(0); // notebook code may have left non-daemon threads
    }
}
