package dev.infinity.workbench.data;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a {@link T2IDataset.BatchStream} stands: the epoch, the batch index within it, and per aspect
 * template how far its shuffled item stream has been consumed. Save it with a checkpoint
 * ({@link #toJson}) and pass it back to {@link T2IDataset#stream(DataPosition)} to continue with the very
 * same batches.
 */
public record DataPosition(int epoch, int step, Map<String, Long> cursors) {
    public DataPosition {
        if (epoch < 0 || step < 0) throw new IllegalArgumentException("negative epoch/step: " + epoch + "/" + step);
        cursors = Map.copyOf(cursors);
    }

    public static DataPosition start() {
        return new DataPosition(0, 0, Map.of());
    }

    /** Start of an epoch. */
    public static DataPosition epoch(int epoch) {
        return new DataPosition(epoch, 0, Map.of());
    }

    public long cursor(String template) {
        return cursors.getOrDefault(template, 0L);
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("step", step);
        m.put("cursors", new TreeMap<>(cursors));
        return new Gson().toJson(m);
    }

    public static DataPosition fromJson(String json) {
        try {
            Raw r = new Gson().fromJson(json, Raw.class);
            if (r == null) throw new IllegalArgumentException("empty data position");
            return new DataPosition(r.epoch, r.step, r.cursors == null ? Map.of() : r.cursors);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("bad data position '" + json + "': " + e.getMessage(), e);
        }
    }

    private static final class Raw {
        int epoch;
        int step;
        Map<String, Long> cursors;
    }
}
