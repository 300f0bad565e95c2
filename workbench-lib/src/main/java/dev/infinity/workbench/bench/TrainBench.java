package dev.infinity.workbench.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.cli.Args;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.model.Infinity;
import dev.infinity.workbench.model.InfinityConfig;
import dev.infinity.workbench.text.TextEncoders;
import dev.infinity.workbench.text.ToyTextEncoder;
import dev.infinity.workbench.tokenizer.BitwiseSelfCorrection;
import dev.infinity.workbench.tokenizer.DynamicResolution;
import dev.infinity.workbench.tokenizer.MultiScaleQuantizer;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import dev.infinity.workbench.train.InfinityTrainer;
import dev.infinity.workbench.train.TrainConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code ./workbench bench train}: seconds per generator training step (text encoding, teacher-forced forward, bit
 * loss, backward, global-norm clipping, AdamW) at batch 4 on the 0.06M h/w 1.0 schedule (7 scales, 521 tokens),
 * random weights and latents, bitwise self-correction on; and the process's peak RSS.
 */
public final class TrainBench implements Benchmark {
    @Override public String name() { return "train"; }

    @Override
    public String summary() {
        return "generator train step s/step (forward+loss+backward+AdamW), batch 4, 0.06M 1:1 schedule (521 tokens); --configs toy-bench,small-bench --steps 5 --warmup 1";
    }

    @Override
    public void run(Args args) {
        List<String> configs = Arrays.asList(args.get("configs", "toy-bench,small-bench").split(","));
        int batch = args.getInt("batch", 4), steps = args.getInt("steps", 5), warmup = args.getInt("warmup", 1);
        String pn = args.get("pn", "0.06M");
        args.rejectUnknown();
        ScaleSchedule schedule = DynamicResolution.schedule(1.0, pn);
        System.out.printf(Locale.ROOT, "schedule %s: %d scales, %d tokens; batch %d; %d threads%n", pn, schedule.size(), schedule.tokens(), batch,
                Runtime.getRuntime().availableProcessors());
        for (String name : configs) {
            Engine.getInstance().setRandomSeed(0);
            try (NDManager m = NDManager.newBaseManager(Devices.resolve())) {
                InfinityConfig preset = InfinityConfig.preset(name);
                List<String> captions = Collections.nCopies(batch, "a red circle to the left of a blue square on a plain black background");
                ToyTextEncoder text = TextEncoders.toy(m, preset.textChannels(), List.of(captions.get(0), captions.get(0)), preset.textMaxLen());
                Infinity model = new Infinity(m, preset);
                TrainConfig cfg = TrainConfig.builder().progress(null).trainTextEncoder(false).build();
                try (InfinityTrainer trainer = new InfinityTrainer(model, text, null, cfg)) {
                    int d = preset.codebookDim();
                    List<Double> times = new ArrayList<>();
                    for (int i = 0; i < warmup + steps; i++) {
                        try (NDManager scope = m.newSubManager()) {
                            NDArray z = scope.randomNormal(new Shape(batch, d, schedule.last().h(), schedule.last().w()));
                            BitwiseSelfCorrection.Result r = BitwiseSelfCorrection.builder(new MultiScaleQuantizer(d))
                                    .noiseApplyLayers(13).noiseApplyStrength(0.3).build().apply(z, schedule, new Random(i));
                            int[] gt = InfinityTrainer.gtBits(r.gtBits());
                            long t0 = System.nanoTime();
                            trainer.step(captions, new boolean[batch], r.inputs(), gt, schedule, 1e-4, i + 1, scope);
                            double s = (System.nanoTime() - t0) / 1e9;
                            if (i >= warmup) times.add(s);
                        }
                    }
                    Collections.sort(times);
                    double flops = 3 * preset.forwardFlops(schedule.tokens(), schedule.tokens(), 16, batch);
                    System.out.printf(Locale.ROOT, "%-12s %,11d params  %.3f s/step (median of %d; min %.3f, max %.3f)  ~%.1f GFLOP/step  %.1f GFLOP/s  peak RSS %s%n",
                            name, model.parameterCount(), times.get(times.size() / 2), times.size(), times.get(0), times.get(times.size() - 1),
                            flops / 1e9, flops / 1e9 / times.get(times.size() / 2), Measure.mib(Measure.peakRssBytes()));
                }
            }
        }
    }
}
