package dev.infinity.workbench.text;

import ai.djl.ndarray.types.DataType;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.io.DType;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.infinity.workbench.text.TinyT5.D_FF;
import static dev.infinity.workbench.text.TinyT5.D_KV;
import static dev.infinity.workbench.text.TinyT5.D_MODEL;
import static dev.infinity.workbench.text.TinyT5.HEADS;
import static dev.infinity.workbench.text.TinyT5.LAYERS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class T5EncoderTest {
    static final String LONG = "a red cat sits on the mat";
    static TinyT5 t5;
    static Path folder;

    @BeforeAll
    static void writeModel(@TempDir Path dir) {
        t5 = new TinyT5(7);
        folder = t5.write(dir.resolve("tiny-t5"), DType.FLOAT32);
    }

    @Test
    void tokenizerAppendsEosAndSplitsSubwords() {
        try (FlanT5 enc = TextEncoders.flanT5(folder)) {
            long[] ids = enc.tokenizer().encode(LONG);
            long[] want = {TinyT5.id("▁a"), TinyT5.id("▁red"), TinyT5.id("▁cat"), TinyT5.id("▁sits"), TinyT5.id("▁on"),
                    TinyT5.id("▁the"), TinyT5.id("▁mat"), 1};
            assertArrayEquals(want, ids);
            assertArrayEquals(new long[] {TinyT5.id("▁blue"), TinyT5.id("▁cat"), TinyT5.id("s"), 1}, enc.tokenizer().encode("blue cats"));
            assertEquals(0, enc.tokenizer().padId());
        }
    }

    @Test
    void loadsHfNamesAndMatchesNaiveForward() {
        try (FlanT5 enc = TextEncoders.flanT5(folder)) {
            assertEquals(D_MODEL, enc.channels());
            assertEquals(512, enc.maxLength());
            long expectParams = t5.weights.values().stream().mapToLong(v -> v.length).sum();
            assertEquals(expectParams, enc.encoder().parameterCount());
            long[] ids = enc.tokenizer().encode(LONG);
            TextCondition c = enc.encode(List.of(LONG));
            assertEquals(DataType.FLOAT32, c.features().getDataType());
            assertArrayEquals(new long[] {ids.length, D_MODEL}, c.features().getShape().getShape());
            assertClose(naiveForward(t5.weights, ids), c.features().toFloatArray(), 2e-4, "tiny T5 vs naive");
            c.features().close();
        }
    }

    @Test
    void batchOfDifferentLengthsPacksRealTokensOnly() {
        List<String> prompts = List.of("the dog", LONG, "blue cats");
        try (FlanT5 enc = TextEncoders.flanT5(folder)) {
            TextCondition c = enc.encode(prompts);
            assertArrayEquals(new int[] {3, 8, 4}, c.lens());
            assertArrayEquals(new int[] {0, 3, 11, 15}, c.cuSeqlens());
            assertEquals(8, c.maxLen());
            assertEquals(15, c.features().getShape().get(0));
            float[] all = c.features().toFloatArray();
            for (int i = 0; i < prompts.size(); i++) {
                // each prompt's rows equal the prompt encoded alone: padding neither leaks in nor is kept
                float[] rows = Arrays.copyOfRange(all, c.cuSeqlens()[i] * D_MODEL, c.cuSeqlens()[i + 1] * D_MODEL);
                assertClose(naiveForward(t5.weights, enc.tokenizer().encode(prompts.get(i))), rows, 2e-4, "prompt " + i);
            }
        }
    }

    @Test
    void spieceModelTokenizesLikeTokenizerJson(@TempDir Path dir) throws Exception {
        Path sp = dir.resolve("sp");
        Files.createDirectories(sp);
        Files.copy(folder.resolve("config.json"), sp.resolve("config.json"));
        Files.copy(folder.resolve("model.safetensors"), sp.resolve("model.safetensors"));
        TinyT5.writeSentencePiece(sp);
        try (FlanT5 json = TextEncoders.flanT5(folder); FlanT5 spiece = TextEncoders.flanT5(sp)) {
            assertTrue(spiece.tokenizer() instanceof SentencePieceTokenizer);
            for (String p : List.of(LONG, "blue cats", "the  dog")) {
                assertArrayEquals(json.tokenizer().encode(p), spiece.tokenizer().encode(p), p);
            }
            assertEquals(0, spiece.tokenizer().padId());
        }
        try (SentencePieceTokenizer short4 = new SentencePieceTokenizer(sp.resolve("spiece.model"), 4)) {
            assertArrayEquals(new long[] {TinyT5.id("▁a"), TinyT5.id("▁red"), TinyT5.id("▁cat"), 1}, short4.encode(LONG));
        }
    }

    @Test
    void encodingLeavesNothingInTheModelsManager() {
        try (FlanT5 enc = TextEncoders.flanT5(folder)) {
            int before = enc.encoder().manager().getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                try (ai.djl.ndarray.NDManager scope = ai.djl.ndarray.NDManager.newBaseManager()) {
                    enc.encode(List.of("the dog", LONG), scope);
                }
            }
            assertEquals(before, enc.encoder().manager().getManagedArrays().size());
        }
    }

    @Test
    void truncatesToMaxLengthKeepingEos() {
        try (FlanT5 enc = TextEncoders.flanT5(folder, FlanT5.Options.defaults().withMaxLength(4))) {
            assertArrayEquals(new long[] {TinyT5.id("▁a"), TinyT5.id("▁red"), TinyT5.id("▁cat"), 1}, enc.tokenizer().encode(LONG));
            assertArrayEquals(new int[] {4}, enc.encode(List.of(LONG)).lens());
        }
    }

    @Test
    void shardedSafetensorsLoadLikeOneFile(@TempDir Path dir) throws Exception {
        Path sharded = shardedCopy(dir);
        try (FlanT5 a = TextEncoders.flanT5(folder); FlanT5 b = TextEncoders.flanT5(sharded)) {
            assertClose(toDouble(a.encode(List.of(LONG)).features().toFloatArray()), b.encode(List.of(LONG)).features().toFloatArray(), 0, "sharded");
        }
    }

    @Test
    void pytorchModelBinLoadsLikeSafetensors(@TempDir Path dir) throws Exception {
        Path bin = t5.write(dir.resolve("bin"), DType.FLOAT32);
        Files.delete(bin.resolve("model.safetensors"));
        dev.infinity.workbench.io.TorchCheckpointWriter.writeStateDict(bin.resolve("pytorch_model.bin"), t5.tensors(DType.FLOAT32));
        try (FlanT5 a = TextEncoders.flanT5(folder); FlanT5 b = TextEncoders.flanT5(bin)) {
            assertClose(toDouble(a.encode(List.of(LONG)).features().toFloatArray()), b.encode(List.of(LONG)).features().toFloatArray(), 0, "pytorch_model.bin");
        }
    }

    @Test
    void halfWeightsBecomeFloat32UnlessKept(@TempDir Path dir) {
        Path half = t5.write(dir.resolve("half"), DType.FLOAT16);
        try (FlanT5 f32 = TextEncoders.flanT5(half);
             FlanT5 f16 = TextEncoders.flanT5(half, FlanT5.Options.defaults().withKeepHalfPrecision(true))) {
            assertEquals(DataType.FLOAT32, f32.encoder().shared.weight.array().getDataType());
            assertEquals(DataType.FLOAT16, f16.encoder().shared.weight.array().getDataType());
            double[] want = naiveForward(t5.weights, f32.tokenizer().encode(LONG));
            assertClose(want, f32.encode(List.of(LONG)).features().toFloatArray(), 2e-2, "fp16 weights in fp32");
            TextCondition c = f16.encode(List.of(LONG));
            assertEquals(DataType.FLOAT32, c.features().getDataType());
            assertClose(want, c.features().toFloatArray(), 5e-2, "fp16 compute");
        }
    }

    @Test
    void errorsNameTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nowhere");
        assertMessageContains(missing.toString(), () -> TextEncoders.flanT5(missing));

        Path sharded = shardedCopy(dir);
        Files.delete(sharded.resolve("model-00002-of-00002.safetensors"));
        assertMessageContains("model-00002-of-00002.safetensors", () -> TextEncoders.flanT5(sharded));

        Path bert = t5.write(dir.resolve("bert"), DType.FLOAT32);
        AtomicFiles.writeString(bert.resolve("config.json"), TinyT5.config("bert", "BertModel"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextEncoders.flanT5(bert));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("bert"), e.getMessage());

        Path noTok = t5.write(dir.resolve("no-tokenizer"), DType.FLOAT32);
        Files.delete(noTok.resolve("tokenizer.json"));
        assertMessageContains("tokenizer.json", () -> TextEncoders.flanT5(noTok));

        Path noWeights = t5.write(dir.resolve("no-weights"), DType.FLOAT32);
        Files.delete(noWeights.resolve("model.safetensors"));
        assertMessageContains("model.safetensors", () -> TextEncoders.flanT5(noWeights));

        try (FlanT5 enc = TextEncoders.flanT5(folder)) {
            assertMessageContains("prompt 1 is empty", () -> enc.encode(List.of("a cat", "  ")));
        }
    }

    private static void assertMessageContains(String part, org.junit.jupiter.api.function.Executable body) {
        RuntimeException e = assertThrows(RuntimeException.class, body);
        assertTrue(e.getMessage() != null && e.getMessage().contains(part), "message should name " + part + ": " + e.getMessage());
    }

    /** The tiny model split over two safetensors shards with an HF index. */
    private static Path shardedCopy(Path dir) throws Exception {
        Path out = dir.resolve("sharded");
        Files.createDirectories(out);
        Files.copy(folder.resolve("config.json"), out.resolve("config.json"));
        Files.copy(folder.resolve("tokenizer.json"), out.resolve("tokenizer.json"));
        Map<String, HostTensor> all = t5.tensors(DType.FLOAT32);
        Map<String, HostTensor> first = new LinkedHashMap<>();
        Map<String, HostTensor> second = new LinkedHashMap<>();
        StringBuilder map = new StringBuilder();
        for (Map.Entry<String, HostTensor> e : all.entrySet()) {
            boolean one = e.getKey().startsWith("shared") || e.getKey().startsWith("encoder.block.0");
            (one ? first : second).put(e.getKey(), e.getValue());
            if (map.length() > 0) map.append(", ");
            map.append('"').append(e.getKey()).append("\": \"model-0000").append(one ? 1 : 2).append("-of-00002.safetensors\"");
        }
        SafeTensors.write(out.resolve("model-00001-of-00002.safetensors"), first, null);
        SafeTensors.write(out.resolve("model-00002-of-00002.safetensors"), second, null);
        AtomicFiles.writeString(out.resolve("model.safetensors.index.json"), "{\"metadata\": {}, \"weight_map\": {" + map + "}}");
        return out;
    }

    // ---- an independent, naive float64 T5 v1.1 encoder over the test's own weight arrays ----

    /** Bucket for 8 bidirectional buckets, max distance 16, by hand: |n| 0, 1 exact; 2..5 -> 2; >= 6 -> 3; +4 if key after query. */
    static int naiveBucket(int relative) {
        int n = Math.abs(relative);
        int b = n <= 1 ? n : n <= 5 ? 2 : 3;
        return relative > 0 ? b + 4 : b;
    }

    static double[] naiveForward(Map<String, float[]> w, long[] ids) {
        int len = ids.length;
        double[][] x = new double[len][D_MODEL];
        for (int t = 0; t < len; t++) for (int d = 0; d < D_MODEL; d++) x[t][d] = w.get("shared.weight")[(int) ids[t] * D_MODEL + d];
        float[] relBias = w.get("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"); // (buckets, heads)
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.block." + l + ".";
            double[][] h = rmsNorm(x, w.get(p + "layer.0.layer_norm.weight"));
            double[][] q = linear(h, w.get(p + "layer.0.SelfAttention.q.weight"), HEADS * D_KV);
            double[][] k = linear(h, w.get(p + "layer.0.SelfAttention.k.weight"), HEADS * D_KV);
            double[][] v = linear(h, w.get(p + "layer.0.SelfAttention.v.weight"), HEADS * D_KV);
            double[][] ctx = new double[len][HEADS * D_KV];
            for (int head = 0; head < HEADS; head++) {
                for (int i = 0; i < len; i++) {
                    double[] s = new double[len];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < len; j++) {
                        for (int d = 0; d < D_KV; d++) s[j] += q[i][head * D_KV + d] * k[j][head * D_KV + d];
                        s[j] += relBias[naiveBucket(j - i) * HEADS + head]; // T5: no 1/sqrt(d) scaling
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < len; j++) sum += s[j] = Math.exp(s[j] - max);
                    for (int j = 0; j < len; j++) for (int d = 0; d < D_KV; d++) ctx[i][head * D_KV + d] += s[j] / sum * v[j][head * D_KV + d];
                }
            }
            add(x, linear(ctx, w.get(p + "layer.0.SelfAttention.o.weight"), D_MODEL));
            h = rmsNorm(x, w.get(p + "layer.1.layer_norm.weight"));
            double[][] a = linear(h, w.get(p + "layer.1.DenseReluDense.wi_0.weight"), D_FF);
            double[][] g = linear(h, w.get(p + "layer.1.DenseReluDense.wi_1.weight"), D_FF);
            for (int t = 0; t < len; t++) {
                for (int f = 0; f < D_FF; f++) {
                    double z = a[t][f];
                    a[t][f] = 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))) * g[t][f];
                }
            }
            add(x, linear(a, w.get(p + "layer.1.DenseReluDense.wo.weight"), D_MODEL));
        }
        double[][] y = rmsNorm(x, w.get("encoder.final_layer_norm.weight"));
        double[] flat = new double[len * D_MODEL];
        for (int t = 0; t < len; t++) System.arraycopy(y[t], 0, flat, t * D_MODEL, D_MODEL);
        return flat;
    }

    static double[][] rmsNorm(double[][] x, float[] weight) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double ms = 0;
            for (double v : x[t]) ms += v * v;
            double inv = 1 / Math.sqrt(ms / x[t].length + 1e-6);
            out[t] = new double[x[t].length];
            for (int d = 0; d < x[t].length; d++) out[t][d] = x[t][d] * inv * weight[d];
        }
        return out;
    }

    /** y = x W^T with W (out, in) row-major. */
    static double[][] linear(double[][] x, float[] weight, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) y[t][o] += x[t][i] * weight[o * in + i];
        return y;
    }

    static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++) for (int d = 0; d < x[t].length; d++) x[t][d] += y[t][d];
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    static void assertClose(double[] want, float[] got, double atol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]));
        assertTrue(worst <= atol, what + ": max |diff| " + worst + " > " + atol);
    }
}
