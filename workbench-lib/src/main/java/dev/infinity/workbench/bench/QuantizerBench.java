package dev.infinity.workbench.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.tokenizer.BitwiseSelfCorrection;
import dev.infinity.workbench.tokenizer.DynamicResolution;
import dev.infinity.workbench.tokenizer.MultiScaleCode;
import dev.infinity.workbench.tokenizer.MultiScaleQuantizer;
import dev.infinity.workbench.tokenizer.ScaleSchedule;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

import dev.infinity.workbench.cli.Args;

/** {@code bench quantizer}: the multi-scale quantizer (encode, decode, teacher-forcing inputs, BSC) on a random latent. */
public final class QuantizerBench implements Benchmark {
    @Override public String name() { return "quantizer"; }
    @Override public String summary() { return "multi-scale quantizer timings (encode, decode, teacher-forcing inputs, BSC); --h-div-w 1.0 --pn 0.06M --d 32 --batch 4 --repeat 10"; }

    @Override
    public void run(Args args) {
        DynamicResolution.Entry e = DynamicResolution.forAspect(args.getDouble("h-div-w", 1.0), args.get("pn", "0.06M"));
        int d = args.getInt("d", 32), batch = args.getInt("batch", 4), repeat = args.getInt("repeat", 10);
        args.rejectUnknown();
        bench(e.scales(), d, batch, repeat);
    }

    private static void bench(ScaleSchedule s, int d, int batch, int repeat) {
        MultiScaleQuantizer q = new MultiScaleQuantizer(d);
        BitwiseSelfCorrection bsc = BitwiseSelfCorrection.builder(q).noiseApplyLayers(s.size()).noiseApplyStrength(0.3).build();
        try (NDManager m = NDManager.newBaseManager(Devices.resolve())) {
            NDArray z = m.randomNormal(new Shape(batch, d, s.last().h(), s.last().w()));
            MultiScaleCode code = q.encode(z, s);
            System.out.printf(Locale.ROOT, "device %s, latent (%d, %d, %d, %d), %d scales, %d tokens, median of %d runs:%n",
                    m.getDevice(), batch, d, s.last().h(), s.last().w(), s.size(), s.tokens(), repeat);
            time("encode", repeat, m, st -> q.encode(copy(z, st), s).quantized());
            time("decode (bits -> summed codes)", repeat, m, st -> q.decode(copy(code.bits(), st), s));
            time("teacherForcingInputs", repeat, m, st -> q.teacherForcingInputs(copy(code.bits(), st), s));
            Random rng = new Random(0);
            time("BSC (all scales, strength 0.3)", repeat, m, st -> bsc.apply(copy(z, st), s, rng).inputs());
        }
    }

    /** A copy on the step's manager, so that every intermediate derived from it is freed with the step. */
    private static NDArray copy(NDArray a, NDManager step) {
        NDArray c = a.duplicate();
        c.attach(step);
        return c;
    }

    private static List<NDArray> copy(List<NDArray> a, NDManager step) {
        return a.stream().map(x -> copy(x, step)).toList();
    }

    private static void time(String what, int repeat, NDManager parent, Function<NDManager, NDArray> op) {
        double[] ms = new double[repeat + 2];
        for (int i = 0; i < ms.length; i++) {
            try (NDManager step = parent.newSubManager()) {
                long t0 = System.nanoTime();
                op.apply(step).toFloatArray();                                       // wait for the result
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] timed = Arrays.copyOfRange(ms, 2, ms.length);                      // two warm-up runs
        Arrays.sort(timed);
        System.out.printf(Locale.ROOT, "  %-32s %9.2f ms%n", what, timed[timed.length / 2]);
    }
}
