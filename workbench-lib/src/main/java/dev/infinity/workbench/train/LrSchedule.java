package dev.infinity.workbench.train;

/** Learning rate with linear warm-up from 0 over {@code warmup} steps, then cosine decay to {@code min} at {@code total}. */
public record LrSchedule(double peak, double min, int warmup, int total) {
    /** The rate for 1-based step {@code step}. */
    public double at(int step) {
        if (warmup > 0 && step <= warmup) return peak * step / warmup;
        if (total <= warmup) return peak;
        double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
