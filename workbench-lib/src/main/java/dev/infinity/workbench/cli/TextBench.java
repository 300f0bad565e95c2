package dev.infinity.workbench.cli;

import ai.djl.ndarray.NDManager;
import dev.infinity.workbench.engine.Devices;
import dev.infinity.workbench.text.EncoderBenchmark;
import dev.infinity.workbench.text.T5Config;

import java.util.Locale;

/** {@code ./workbench bench text}: T5 encoder tokens/s at flan-t5-base size, random weights. */
final class TextBench implements Command {
    @Override public String name() { return "text"; }

    @Override
    public String summary() {
        return "T5 encoder forward tokens/s, flan-t5-base sizes (d_model 768, 12 layers, 12 heads, d_ff 2048, vocab 32128), random weights;"
                + " --batch 4 --tokens 64 --layers 12 --warmup 1 --iters 5 --device cpu";
    }

    @Override
    public int run(Args args) {
        int batch = args.getInt("batch", 4);
        int tokens = args.getInt("tokens", 64);
        int warmup = args.getInt("warmup", 1);
        int iters = args.getInt("iters", 5);
        T5Config base = T5Config.flanT5Base();
        int layers = args.getInt("layers", base.numLayers());
        String device = args.get("device", "cpu");
        args.rejectUnknown();
        T5Config c = new T5Config(base.vocabSize(), base.dModel(), base.dKv(), base.dFf(), layers, base.numHeads(),
                base.relativeAttentionNumBuckets(), base.relativeAttentionMaxDistance(), base.layerNormEpsilon(), base.gated(), base.activation());
        try (NDManager m = NDManager.newBaseManager(Devices.resolve(device))) {
            EncoderBenchmark.Result r = EncoderBenchmark.run(m, c, batch, tokens, warmup, iters, 0);
            System.out.printf(Locale.ROOT, "T5 encoder d_model %d, %d layers, %d heads, d_ff %d, vocab %d (%,d parameters) on %s, %d threads%n",
                    c.dModel(), c.numLayers(), c.numHeads(), c.dFf(), c.vocabSize(), r.parameters(), m.getDevice(),
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "batch %d x %d tokens, %d timed iterations after %d warm-up: median %.3f s/batch (mean %.3f), %.0f tokens/s, %.0f tokens per CPU-second%n",
                    batch, tokens, iters, warmup, r.medianSeconds(), r.meanSeconds(), r.tokensPerSecond(), r.tokensPerCpuSecond());
        }
        return 0;
    }
}
