package dev.infinity.workbench.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.cli.Args;
import dev.infinity.workbench.io.DType;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.SafeTensors;
import dev.infinity.workbench.io.StateDict;
import dev.infinity.workbench.io.TorchCheckpointWriter;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench io}: writes a ~2 GB float32 checkpoint as safetensors and as .pth, then loads each in a
 * fresh JVM (so the writer's memory does not count) twice — cold-ish and from the page cache — turning
 * every tensor into an NDArray and reducing it so every byte is read. Prints seconds, GB/s, peak RSS
 * and Java heap growth.
 */
public final class IoBenchmark implements Benchmark {
    @Override public String name() { return "io"; }
    @Override public String summary() { return "write a ~2 GB checkpoint (.safetensors and .pth) and time loading it: GB/s, peak RSS, heap growth"; }

    @Override
    public void run(Args args) throws Exception {
        double gb = args.getDouble("gb", 2.0);
        Path dir = Path.of(args.get("dir", System.getProperty("java.io.tmpdir")), "workbench-bench-io");
        args.rejectUnknown();
        Files.createDirectories(dir);
        int tensorMb = 128;
        int count = (int) Math.max(1, Math.round(gb * 1024 / tensorMb));
        ByteBuffer block = ByteBuffer.allocateDirect(tensorMb << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < block.capacity() / 4; i++) block.putFloat(i * 4, (i % 1000) * 1e-3f);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        long rows = (tensorMb << 20) / 4 / 4096;
        for (int i = 0; i < count; i++) tensors.put("layers." + i + ".weight", new HostTensor(DType.FLOAT32, new long[] {rows, 4096}, block.duplicate()));
        Path st = dir.resolve("bench.safetensors");
        Path pth = dir.resolve("bench.pth");
        for (Path f : List.of(st, pth)) {
            long t0 = System.nanoTime();
            if (f == st) SafeTensors.write(f, tensors, Map.of()); else TorchCheckpointWriter.writeStateDict(f, tensors);
            System.out.printf(Locale.ROOT, "wrote %-18s %.2f GB in %.1f s%n", f.getFileName(), Files.size(f) / 1e9, (System.nanoTime() - t0) / 1e9);
        }
        for (Path f : List.of(st, pth)) {
            for (String pass : List.of("run 1", "run 2")) {
                System.out.printf(Locale.ROOT, "%-18s %-11s %s%n", f.getFileName(), pass, child(f));
            }
        }
        Files.deleteIfExists(st);
        Files.deleteIfExists(pth);
    }

    /** Runs {@link #main} in a fresh JVM on the same classpath and returns its result line. */
    private static String child(Path file) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), IoBenchmark.class.getName(), file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = "";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) if (line.startsWith("load:")) last = line.substring(5).trim();
        }
        if (p.waitFor() != 0) throw new IllegalStateException("load of " + file + " failed");
        return last;
    }

    /** Child process: load, make NDArrays, reduce, report. */
    public static void main(String[] argv) {
        Path file = Path.of(argv[0]);
        long heap0 = Measure.heapUsedAfterGc();
        long t0 = System.nanoTime();
        double checksum = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict sd = StateDict.load(file);
            for (HostTensor t : sd.tensors().values()) {
                try (NDManager step = m.newSubManager()) {
                    NDArray a = t.toNDArray(step);
                    checksum += a.sum().getFloat();
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            long heap = Measure.heapUsedAfterGc() - heap0;
            double bytes = sd.totalBytes();
            System.out.printf(Locale.ROOT, "load: %.2f s, %.2f GB/s, peak RSS %s (%.2f x file), heap growth %s, checksum %.4g%n",
                    s, bytes / 1e9 / s, Measure.mib(Measure.peakRssBytes()), Measure.peakRssBytes() / bytes, Measure.mib(heap), checksum);
        }
    }
}
