package dev.infinity.workbench.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One meta file of the official layout, {@code [h_div_w_template]_[num_examples].jsonl}, e.g.
 * {@code 1.500_000002500.jsonl}: every line in it is an image of aspect template 1.5, and the file
 * should hold 2,500 lines.
 *
 * @param template the template as written in the file name ("1.500"); batches are keyed by it
 * @param hDivW    the template as a number (height / width)
 * @param declared the number of lines the file name announces
 */
public record SplitFile(Path path, String template, double hDivW, long declared) {
    private static final Pattern NAME = Pattern.compile("(\\d+(?:\\.\\d+)?)_(\\d+)\\.jsonl");

    /** Parses the file name; empty when it does not follow the convention. */
    public static Optional<SplitFile> parse(Path path) {
        Matcher m = NAME.matcher(path.getFileName().toString());
        if (!m.matches()) return Optional.empty();
        double hDivW = Double.parseDouble(m.group(1));
        if (!(hDivW > 0)) return Optional.empty();
        return Optional.of(new SplitFile(path, m.group(1), hDivW, Long.parseLong(m.group(2))));
    }

    /** The official file name for a template and count: {@code 1.000_000000640.jsonl}. */
    public static String fileName(double hDivW, long count) {
        return String.format(Locale.ROOT, "%.3f_%09d.jsonl", hDivW, count);
    }
}
