package dev.infinity.workbench.text;

import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Forward speed of a randomly initialised {@link T5Encoder} (tokenisation excluded). */
public final class EncoderBenchmark {
    private EncoderBenchmark() {}

    /**
     * Measured timings: median and mean wall seconds per batch, tokens per second from the median, and
     * tokens per process CPU-second (less sensitive to other processes sharing the cores; NaN if unknown).
     */
    public record Result(T5Config config, int batch, int tokens, int iterations, double medianSeconds, double meanSeconds,
                         double tokensPerSecond, double tokensPerCpuSecond, long parameters) {}

    /**
     * Encodes {@code iterations} batches of {@code batch} prompts x {@code tokens} random token ids (EOS last),
     * after {@code warmup} untimed batches, including the packing into a {@link TextCondition}.
     */
    public static Result run(NDManager manager, T5Config config, int batch, int tokens, int warmup, int iterations, long seed) {
        if (batch <= 0 || tokens <= 0 || iterations <= 0 || warmup < 0) throw new IllegalArgumentException("batch, tokens and iterations must be positive");
        T5Encoder encoder = new T5Encoder(manager, config);
        Random r = new Random(seed);
        List<long[]> prompts = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            long[] ids = new long[tokens];
            for (int t = 0; t < tokens - 1; t++) ids[t] = 3 + r.nextInt(config.vocabSize() - 3);
            ids[tokens - 1] = 1;
            prompts.add(ids);
        }
        TokenBatch tokenBatch = TokenBatch.pad(prompts, 0);
        double[] seconds = new double[iterations];
        long cpuStart = 0;
        for (int i = 0; i < warmup + iterations; i++) {
            if (i == warmup) cpuStart = processCpuNanos();
            long t0 = System.nanoTime();
            try (NDManager step = manager.newSubManager()) {
                TextCondition c = TextCondition.fromPadded(encoder.forward(tokenBatch, step), tokenBatch.lens());
                c.features().toFloatArray(); // forces the result to the host
            }
            if (i >= warmup) seconds[i - warmup] = (System.nanoTime() - t0) / 1e9;
        }
        long cpu = processCpuNanos() - cpuStart;
        double perCpuSecond = cpuStart < 0 ? Double.NaN : (double) batch * tokens * iterations / (cpu / 1e9);
        double mean = java.util.Arrays.stream(seconds).average().orElseThrow();
        java.util.Arrays.sort(seconds);
        double median = iterations % 2 == 1 ? seconds[iterations / 2] : (seconds[iterations / 2 - 1] + seconds[iterations / 2]) / 2;
        return new Result(config, batch, tokens, iterations, median, mean, batch * tokens / median, perCpuSecond, encoder.parameterCount());
    }

    /** CPU time of the whole process (all threads, native ones included), or -1 when the JVM cannot tell. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
