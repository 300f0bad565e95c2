package dev.infinity.workbench.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the loader skipped, and why: a count per {@link Reason} and the first few messages (each naming the
 * meta file and line), which are also logged as warnings. Count mismatches between a file name and its
 * lines are kept here too.
 */
public final class SkipLog {
    private static final Logger LOG = LoggerFactory.getLogger(SkipLog.class);

    public enum Reason {
        /** Not JSON, not an object, a required field missing or of the wrong type, bad h_div_w. */
        MALFORMED_LINE,
        /** h_div_w belongs to another aspect template than the file's. */
        WRONG_TEMPLATE,
        /** The resolved image file does not exist. */
        MISSING_IMAGE,
        /** The image exists but cannot be decoded. */
        CORRUPT_IMAGE
    }

    private final int keep;
    private final Map<Reason, Long> counts = new EnumMap<>(Reason.class);
    private final List<String> first = new ArrayList<>();
    private final List<String> countMismatches = new ArrayList<>();

    public SkipLog(int keep) {
        this.keep = keep;
    }

    void skip(Reason reason, String where, String message) {
        counts.merge(reason, 1L, Long::sum);
        if (first.size() < keep) {
            String m = where + ": " + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + message;
            first.add(m);
            LOG.warn("skipped {}", m);
        }
    }

    void countMismatch(SplitFile f, long lines) {
        String m = f.path().getFileName() + ": the name announces " + f.declared() + " lines, the file has " + lines;
        countMismatches.add(m);
        LOG.warn(m);
    }

    public long count(Reason reason) { return counts.getOrDefault(reason, 0L); }

    public long total() { return counts.values().stream().mapToLong(Long::longValue).sum(); }

    /** The first messages, "{@code 1.500_000002500.jsonl:17: malformed line: missing field 'h_div_w'}". */
    public List<String> firstReasons() { return Collections.unmodifiableList(first); }

    public List<String> countMismatches() { return Collections.unmodifiableList(countMismatches); }

    @Override
    public String toString() {
        return "skipped " + total() + " " + counts + (countMismatches.isEmpty() ? "" : ", count mismatches " + countMismatches);
    }
}
