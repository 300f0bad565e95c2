package dev.infinity.workbench.bench;

import dev.infinity.workbench.cli.Args;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.tokenizer.DynamicResolution;
import dev.infinity.workbench.tokenizer.MultiScaleCode;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.tokenizer.Tokenizer;
import dev.infinity.workbench.tokenizer.TrainingImages;
import dev.infinity.workbench.tokenizer.VaeConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** {@code ./workbench bench tokenizer}: seconds to encode and decode one 256x256 image, tiny and d32 architectures. */
public final class TokenizerBench implements Benchmark {
    @Override public String name() { return "tokenizer"; }
    @Override public String summary() { return "seconds to encode/decode one 256x256 image (tiny and d32 architectures, random weights), peak RSS; --repeat 3"; }

    @Override
    public void run(Args args) throws IOException {
        int repeat = args.getInt("repeat", 3);
        args.rejectUnknown();
        DynamicResolution.Entry entry = DynamicResolution.entry(1.0, "0.06M");
        System.out.printf(Locale.ROOT, "tokenizer, one %dx%d image, schedule %s (h/w 1.0, 0.06M), random weights, median of %d after a warm-up run%n",
                entry.pixelH(), entry.pixelW(), entry.scales(), repeat);
        for (String preset : new String[] {"tiny", "d32"}) tokenizer(preset, entry, repeat);
        Path load = Path.of("/proc/loadavg");
        if (Files.exists(load)) {
            System.out.println("load average (1/5/15 min) at the end: " + String.join(" ", Arrays.copyOf(Files.readString(load).trim().split(" "), 3))
                    + " on " + Runtime.getRuntime().availableProcessors() + " cores (other processes slow the timings down)");
        }
    }

    private static void tokenizer(String preset, DynamicResolution.Entry entry, int repeat) throws IOException {
        VaeConfig cfg = VaeConfig.preset(preset);
        ScaleSchedule schedule = entry.scales();
        try (Tokenizer tok = Tokenizer.create(cfg); NDManager m = tok.vae().manager().newSubManager()) {
            NDArray x = m.create(TrainingImages.shapes(7).heldOut(0, entry.pixelH()), new Shape(1, 3, entry.pixelH(), entry.pixelW()));
            double[] enc = new double[repeat], dec = new double[repeat], encCpu = new double[repeat], decCpu = new double[repeat];
            for (int i = -1; i < repeat; i++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray xi = x.duplicate();
                    xi.attach(step);
                    long t0 = System.nanoTime(), c0 = cpuNanos();
                    MultiScaleCode code = tok.vae().encode(xi, schedule);
                    code.bits().get(code.bits().size() - 1).toIntArray(); // wait for the result
                    long t1 = System.nanoTime(), c1 = cpuNanos();
                    tok.vae().decode(code.quantized()).toFloatArray();
                    long t2 = System.nanoTime(), c2 = cpuNanos();
                    if (i >= 0) {
                        enc[i] = (t1 - t0) / 1e9;
                        dec[i] = (t2 - t1) / 1e9;
                        encCpu[i] = (c1 - c0) / 1e9;
                        decCpu[i] = (c2 - c1) / 1e9;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%-5s %-60s params %6.1fM  encode %.3f s (%.3f CPU s)  decode %.3f s (%.3f CPU s)  peak RSS %s%n", preset, cfg,
                    tok.vae().parameterCount() / 1e6, median(enc), median(encCpu), median(dec), median(decCpu), Measure.mib(Measure.peakRssBytes()));
        }
    }

    /** CPU time of the whole process (all libtorch threads), robust to other processes sharing the cores. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
