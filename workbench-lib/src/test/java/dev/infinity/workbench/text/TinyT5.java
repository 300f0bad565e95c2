package dev.infinity.workbench.text;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.io.DType;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.SafeTensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny T5 v1.1 folder written by the tests: config.json, random weights under Hugging Face names
 * (plus decoder / lm_head tensors that the encoder must skip) and a Unigram tokenizer.json in the
 * flan-T5 layout.
 */
final class TinyT5 {
    static final int VOCAB = 40, D_MODEL = 16, D_KV = 4, HEADS = 2, D_FF = 24, LAYERS = 2, BUCKETS = 8, MAX_DISTANCE = 16;
    /** Tokenizer pieces after {@code <pad> </s> <unk>} (ids 3...). */
    static final List<String> PIECES = List.of("▁", "▁a", "▁cat", "▁dog", "▁red", "▁blue", "▁on", "▁the", "▁mat", "▁sits",
            "s", "e", "d", "o", "g", "a", "c", "t", "r", "l", "u", "b", "n", "m", "h", "i");

    /** The weights as float32 values by name (what the test's naive forward uses). */
    final Map<String, float[]> weights = new LinkedHashMap<>();
    final Map<String, long[]> shapes = new LinkedHashMap<>();

    TinyT5(long seed) {
        Random r = new Random(seed);
        add("shared.weight", r, 1.0, VOCAB, D_MODEL);
        for (int i = 0; i < LAYERS; i++) {
            String p = "encoder.block." + i + ".";
            add(p + "layer.0.SelfAttention.q.weight", r, 0.3, HEADS * D_KV, D_MODEL);
            add(p + "layer.0.SelfAttention.k.weight", r, 0.3, HEADS * D_KV, D_MODEL);
            add(p + "layer.0.SelfAttention.v.weight", r, 0.3, HEADS * D_KV, D_MODEL);
            add(p + "layer.0.SelfAttention.o.weight", r, 0.3, D_MODEL, HEADS * D_KV);
            if (i == 0) add(p + "layer.0.SelfAttention.relative_attention_bias.weight", r, 1.0, BUCKETS, HEADS);
            addNorm(p + "layer.0.layer_norm.weight", r);
            add(p + "layer.1.DenseReluDense.wi_0.weight", r, 0.3, D_FF, D_MODEL);
            add(p + "layer.1.DenseReluDense.wi_1.weight", r, 0.3, D_FF, D_MODEL);
            add(p + "layer.1.DenseReluDense.wo.weight", r, 0.2, D_MODEL, D_FF);
            addNorm(p + "layer.1.layer_norm.weight", r);
        }
        addNorm("encoder.final_layer_norm.weight", r);
    }

    private void add(String name, Random r, double std, long... shape) {
        float[] v = new float[(int) HostTensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
        weights.put(name, v);
        shapes.put(name, shape);
    }

    private void addNorm(String name, Random r) {
        float[] v = new float[D_MODEL];
        for (int i = 0; i < v.length; i++) v[i] = (float) (1 + 0.2 * r.nextGaussian());
        weights.put(name, v);
        shapes.put(name, new long[] {D_MODEL});
    }

    static String config(String modelType, String architecture) {
        return """
                {"architectures": ["%s"], "model_type": "%s", "d_model": %d, "d_kv": %d, "d_ff": %d,
                 "num_layers": %d, "num_decoder_layers": 1, "num_heads": %d, "vocab_size": %d,
                 "relative_attention_num_buckets": %d, "relative_attention_max_distance": %d,
                 "layer_norm_epsilon": 1e-06, "feed_forward_proj": "gated-gelu", "is_encoder_decoder": true,
                 "tie_word_embeddings": false, "dropout_rate": 0.1, "torch_dtype": "float32"}
                """.formatted(architecture, modelType, D_MODEL, D_KV, D_FF, LAYERS, HEADS, VOCAB, BUCKETS, MAX_DISTANCE);
    }

    /** Checkpoint tensors in {@code dtype} (float32 or float16), with decoder and lm_head extras. */
    Map<String, HostTensor> tensors(DType dtype) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        weights.forEach((n, v) -> out.put(n, encode(v, shapes.get(n), dtype)));
        out.put("decoder.final_layer_norm.weight", HostTensor.of(new float[D_MODEL], D_MODEL));
        out.put("lm_head.weight", HostTensor.of(new float[VOCAB * D_MODEL], VOCAB, D_MODEL));
        return out;
    }

    private static HostTensor encode(float[] v, long[] shape, DType dtype) {
        if (dtype == DType.FLOAT32) return HostTensor.of(v, shape);
        try (NDManager m = NDManager.newBaseManager()) {
            return HostTensor.of(m.create(v, new Shape(shape)).toType(DataType.FLOAT16, false));
        }
    }

    /** Writes config.json, model.safetensors and tokenizer.json into {@code dir}. */
    Path write(Path dir, DType dtype) {
        AtomicFiles.writeString(dir.resolve("config.json"), config("t5", "T5ForConditionalGeneration"));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors(dtype), Map.of("format", "pt"));
        writeTokenizer(dir);
        return dir;
    }

    static void writeTokenizer(Path dir) {
        StringBuilder vocab = new StringBuilder("[[\"<pad>\", 0.0], [\"</s>\", 0.0], [\"<unk>\", 0.0]");
        for (int i = 0; i < PIECES.size(); i++) {
            // whole words score higher than their letters, so the Viterbi split keeps words whole
            double score = PIECES.get(i).startsWith("▁") ? -2.0 : -5.0;
            vocab.append(", [\"").append(PIECES.get(i)).append("\", ").append(score).append("]");
        }
        vocab.append("]");
        String special = """
                {"id": %d, "content": "%s", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}""";
        String json = """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [%s, %s, %s],
                 "normalizer": null,
                 "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"},
                                   {"type": "Metaspace", "replacement": "▁", "add_prefix_space": true}]},
                 "post_processor": {"type": "TemplateProcessing",
                   "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                   "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                            {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                   "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
                 "decoder": {"type": "Metaspace", "replacement": "▁", "add_prefix_space": true},
                 "model": {"type": "Unigram", "unk_id": 2, "vocab": %s}}
                """.formatted(special.formatted(0, "<pad>"), special.formatted(1, "</s>"), special.formatted(2, "<unk>"), vocab);
        AtomicFiles.writeString(dir.resolve("tokenizer.json"), json);
    }

    /**
     * The same vocabulary as a SentencePiece {@code spiece.model} (ModelProto, protobuf written by hand):
     * pieces (1) with score (2) and type (3: 1 normal, 2 unknown, 3 control), trainer_spec (2) with
     * model_type (3) = unigram, unk/bos/eos/pad ids (40-43) = 2/-1/1/0 as T5's, normalizer_spec (3) "identity".
     */
    static void writeSentencePiece(Path dir) {
        java.io.ByteArrayOutputStream model = new java.io.ByteArrayOutputStream();
        String[] specials = {"<pad>", "</s>", "<unk>"};
        for (int i = 0; i < specials.length + PIECES.size(); i++) {
            java.io.ByteArrayOutputStream piece = new java.io.ByteArrayOutputStream();
            boolean special = i < specials.length;
            String text = special ? specials[i] : PIECES.get(i - specials.length);
            Proto.bytes(piece, 1, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Proto.float32(piece, 2, special ? 0f : text.startsWith("▁") ? -2f : -5f);
            Proto.varint(piece, 3, special ? (i == 2 ? 2 : 3) : 1);
            Proto.bytes(model, 1, piece.toByteArray());
        }
        java.io.ByteArrayOutputStream trainer = new java.io.ByteArrayOutputStream();
        Proto.varint(trainer, 3, 1);
        Proto.varint(trainer, 40, 2);
        Proto.varint(trainer, 41, -1);
        Proto.varint(trainer, 42, 1);
        Proto.varint(trainer, 43, 0);
        Proto.bytes(model, 2, trainer.toByteArray());
        java.io.ByteArrayOutputStream normalizer = new java.io.ByteArrayOutputStream();
        Proto.bytes(normalizer, 1, "identity".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Proto.bytes(model, 3, normalizer.toByteArray());
        byte[] bytes = model.toByteArray();
        AtomicFiles.write(dir.resolve("spiece.model"), ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
    }

    /** Minimal protobuf wire-format writer. */
    private static final class Proto {
        static void rawVarint(java.io.ByteArrayOutputStream out, long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        static void varint(java.io.ByteArrayOutputStream out, int field, long value) {
            rawVarint(out, (long) field << 3);
            rawVarint(out, value); // negative int32 is sign-extended to 10 bytes, as protobuf does
        }

        static void bytes(java.io.ByteArrayOutputStream out, int field, byte[] value) {
            rawVarint(out, ((long) field << 3) | 2);
            rawVarint(out, value.length);
            out.writeBytes(value);
        }

        static void float32(java.io.ByteArrayOutputStream out, int field, float value) {
            rawVarint(out, ((long) field << 3) | 5);
            int bits = Float.floatToIntBits(value);
            for (int i = 0; i < 4; i++) out.write((bits >>> (8 * i)) & 0xFF);
        }
    }

    /** Id of a tokenizer piece. */
    static long id(String piece) {
        int i = PIECES.indexOf(piece);
        if (i < 0) throw new IllegalArgumentException(piece);
        return 3 + i;
    }
}
