package dev.infinity.workbench.text;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.infinity.workbench.nn.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToyTextEncoderTest {
    static final List<String> CAPTIONS = List.of("A red cat.", "a blue dog", "The red dog!", "A cat on the mat", "the BLUE cat");

    @Test
    void vocabularyFromCaptionsRoundTripsAndMapsUnknownWords(@TempDir Path dir) {
        WordTokenizer tok = WordTokenizer.fromCaptions(CAPTIONS, 1, 100, 16);
        // specials, then by frequency (a:3, cat:3, the:3, red:2, blue:2, dog:2, mat:1, on:1), ties alphabetical
        assertEquals(List.of("<pad>", "</s>", "<unk>", "a", "cat", "the", "blue", "dog", "red", "mat", "on"), tok.vocab());
        long[] ids = tok.encode("The red  DOG, on a mat");
        assertArrayEquals(new long[] {5, 8, 7, 10, 3, 9, WordTokenizer.EOS_ID}, ids);
        assertEquals("the red dog on a mat", tok.decode(ids));
        long[] unknown = tok.encode("a green zebra");
        assertArrayEquals(new long[] {3, WordTokenizer.UNK_ID, WordTokenizer.UNK_ID, WordTokenizer.EOS_ID}, unknown);
        assertEquals("a <unk> <unk>", tok.decode(unknown));

        WordTokenizer min2 = WordTokenizer.fromCaptions(CAPTIONS, 2, 100, 16);
        assertEquals(WordTokenizer.UNK_ID, min2.encode("mat")[0]);
        assertEquals(3 + 2, WordTokenizer.fromCaptions(CAPTIONS, 1, 5, 16).vocabSize());

        WordTokenizer.fromCaptions(CAPTIONS, 1, 100, 16).save(dir.resolve("vocab.json"));
        WordTokenizer back = WordTokenizer.load(dir.resolve("vocab.json"));
        assertEquals(tok.vocab(), back.vocab());
        assertEquals(16, back.maxLength());
    }

    @Test
    void truncatesKeepingEosAndRejectsEmptyPrompts() {
        WordTokenizer tok = WordTokenizer.fromCaptions(CAPTIONS, 1, 100, 3);
        assertArrayEquals(new long[] {3, 4, WordTokenizer.EOS_ID}, tok.encode("a cat on the mat"));
        assertThrows(IllegalArgumentException.class, () -> tok.encode("?!"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.encodeBatch(List.of("cat", "")));
        assertTrue(e.getMessage().contains("prompt 1 is empty"), e.getMessage());
    }

    @Test
    void encodesPackedFeaturesOfTheTransformerWidth() {
        try (NDManager m = NDManager.newBaseManager()) {
            ToyTextEncoder enc = TextEncoders.toy(m, 32, CAPTIONS, 16);
            assertEquals(32, enc.channels());
            TextCondition c = enc.encode(List.of("a red cat", "the dog"));
            assertArrayEquals(new int[] {4, 3}, c.lens());
            assertArrayEquals(new int[] {0, 4, 7}, c.cuSeqlens());
            assertArrayEquals(new long[] {7, 32}, c.features().getShape().getShape());
            // padding is masked: the short prompt's rows do not depend on its batch-mate
            float[] alone = enc.encode(List.of("the dog")).features().toFloatArray();
            float[] batched = c.features().get("4:7").toFloatArray();
            for (int i = 0; i < alone.length; i++) assertEquals(alone[i], batched[i], 1e-5, "element " + i);
        }
    }

    @Test
    void saveAndLoadGiveTheSameFeatures(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            ToyTextEncoder enc = TextEncoders.toy(m, 32, CAPTIONS, 16);
            enc.save(dir);
            ToyTextEncoder back = TextEncoders.toy(dir, m);
            assertEquals(enc.tokenizer().vocab(), back.tokenizer().vocab());
            assertEquals(enc.namedParameters().keySet(), back.namedParameters().keySet());
            assertArrayEquals(enc.encode(List.of("the blue cat")).features().toFloatArray(),
                    back.encode(List.of("the blue cat")).features().toFloatArray());
            int before = m.getManagedArrays().size();
            try (NDManager scope = m.newSubManager()) {
                back.encode(List.of("the blue cat"), scope);
            }
            assertEquals(before, m.getManagedArrays().size(), "encoding must leave nothing in the model's manager");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextEncoders.toy(dir.resolve("none"), m));
            assertTrue(e.getMessage().contains("none"), e.getMessage());
        }
    }

    @Test
    void gradientsReachEveryParameter() {
        try (NDManager m = NDManager.newBaseManager()) {
            ToyTextEncoder enc = TextEncoders.toy(m, 32, CAPTIONS, 16);
            enc.setTrainable(true);
            try (NDManager step = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray f = enc.encode(List.of("a red cat on the mat", "blue dog"), step).features();
                gc.backward(f.mul(f).sum());
                for (Map.Entry<String, Parameter> e : enc.namedParameters().entrySet()) {
                    float[] g = e.getValue().array().getGradient().toFloatArray();
                    double norm = 0;
                    for (float v : g) norm += v * v;
                    assertTrue(norm > 0 && Double.isFinite(norm), "no gradient for " + e.getKey());
                }
            }
        }
    }
}
