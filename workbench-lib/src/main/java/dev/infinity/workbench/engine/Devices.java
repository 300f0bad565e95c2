package dev.infinity.workbench.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one device setting of the workbench: system property {@code workbench.device} or environment
 * variable {@code WORKBENCH_DEVICE}, with values {@code auto} (default: first GPU when the engine has one),
 * {@code cpu}, {@code gpu} or {@code gpu:N}. On a machine with an NVIDIA GPU but a CPU-only libtorch,
 * {@code auto} warns once instead of silently running on the CPU, and {@code gpu} fails.
 */
public final class Devices {
    private static volatile boolean warned;

    private Devices() {}

    public static String setting() {
        String v = System.getProperty("workbench.device");
        if (v == null || v.isBlank()) v = System.getenv("WORKBENCH_DEVICE");
        return v == null || v.isBlank() ? "auto" : v.trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** The device to put models and data on. */
    public static Device resolve() {
        return resolve(setting());
    }

    public static Device resolve(String setting) {
        Engine engine = engine();
        int gpus = engine.getGpuCount();
        switch (setting) {
            case "cpu":
                return Device.cpu();
            case "auto":
                if (gpus > 0) return Device.gpu(0);
                if (hostHasNvidiaGpu() && !warned) {
                    warned = true;
                    System.err.println("WARNING: this machine has an NVIDIA GPU but the PyTorch engine is the CPU build; running on CPU. "
                            + "Build with -Pcuda (see README, GPU) or set PYTORCH_LIBRARY_PATH to a CUDA libtorch.");
                }
                return Device.cpu();
            default:
                if (setting.startsWith("gpu")) {
                    int id = setting.contains(":") ? Integer.parseInt(setting.substring(setting.indexOf(':') + 1)) : 0;
                    if (id >= gpus) {
                        throw new IllegalStateException("device '" + setting + "' requested but the engine sees " + gpus + " GPU(s)"
                                + (hostHasNvidiaGpu() ? " (the CPU build of libtorch is on the classpath: build with -Pcuda, see README)" : ""));
                    }
                    return Device.gpu(id);
                }
                throw new IllegalArgumentException("unknown device setting '" + setting + "' (use auto, cpu, gpu or gpu:N)");
        }
    }

    /** The PyTorch engine, with an actionable message when the native library cannot be loaded offline. */
    public static Engine engine() {
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot start the PyTorch engine (" + e.getMessage() + "). The workbench runs offline: "
                    + "it needs ai.djl.pytorch:pytorch-native-cpu (or the -Pcuda build) on the classpath and "
                    + "-Dai.djl.offline=true. Run ./workbench (which builds the classpath) or `mvn -q package -DskipTests`.", e);
        }
    }

    static boolean hostHasNvidiaGpu() {
        return Files.exists(Path.of("/dev/nvidia0")) || Files.exists(Path.of("/proc/driver/nvidia/version"));
    }
}
