package dev.infinity.workbench.experiment;

import dev.infinity.workbench.io.AtomicFiles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.io.StringWriter;
import java.math.BigInteger;

/**
 * The classifier-size comparison behind the "infinite vocabulary" claim: parameters of a conventional
 * 2^d-way softmax head versus the bitwise head (d binary classifiers, 2·d logits) on a transformer of
 * width h. Both heads are linear layers with bias: conventional h·2^d + 2^d, bitwise h·2d + 2d.
 */
public final class ClassifierSizeExperiment implements Experiment {
    @Override public String kind() { return "classifier-size"; }

    /** Parameters of a conventional 2^d-way head (exact, may exceed long). */
    public static BigInteger conventionalHead(int width, int d) {
        BigInteger v = BigInteger.ONE.shiftLeft(d);
        return v.multiply(BigInteger.valueOf(width)).add(v);
    }

    /** Parameters of the bitwise head: 2·d logits. */
    public static long bitwiseHead(int width, int d) {
        return (long) width * 2 * d + 2L * d;
    }

    /** The table for the given widths and codebook dimensions. */
    public static Table table(int[] widths, int[] dims) {
        IntColumn w = IntColumn.create("width"), dd = IntColumn.create("d");
        DoubleColumn conv = DoubleColumn.create("conventional_params"), bit = DoubleColumn.create("bitwise_params"),
                convBytes = DoubleColumn.create("conventional_fp32_bytes"), ratio = DoubleColumn.create("ratio");
        for (int width : widths) {
            for (int d : dims) {
                BigInteger c = conventionalHead(width, d);
                long b = bitwiseHead(width, d);
                w.append(width);
                dd.append(d);
                conv.append(c.doubleValue());
                bit.append(b);
                convBytes.append(c.doubleValue() * 4);
                ratio.append(c.doubleValue() / b);
            }
        }
        return Table.create("classifier head size", w, dd, conv, bit, convBytes, ratio);
    }

    @Override
    public void run(ExperimentContext ctx) throws Exception {
        ExperimentSpec spec = ctx.spec();
        Table t = table(spec.getInts("widths", 1024, 2048, 4096), spec.getInts("dims", 16, 24, 32, 64));
        ctx.part("table", () -> {
            StringWriter csv = new StringWriter();
            t.write().csv(csv);
            AtomicFiles.writeString(ctx.outDir().resolve("classifier_size.csv"), csv.toString());
            System.out.println(t.printAll());
            return null;
        });
    }
}
