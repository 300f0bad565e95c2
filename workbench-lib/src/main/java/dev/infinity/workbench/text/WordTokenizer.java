package dev.infinity.workbench.text;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.infinity.workbench.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Word-level tokenizer for toy models: lower-cased words (runs of letters and digits), a vocabulary
 * built from a dataset's captions, ids 0/1/2 = {@code <pad>}, {@code </s>} (EOS), {@code <unk>}.
 */
public final class WordTokenizer implements PromptTokenizer {
    public static final String PAD = "<pad>";
    public static final String EOS = "</s>";
    public static final String UNK = "<unk>";
    public static final int PAD_ID = 0;
    public static final int EOS_ID = 1;
    public static final int UNK_ID = 2;
    private static final Logger LOG = LoggerFactory.getLogger(WordTokenizer.class);
    private static final Pattern SEPARATOR = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final List<String> vocab;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int maxLength;

    /** {@code vocab} in id order, starting with the three special tokens. */
    public WordTokenizer(List<String> vocab, int maxLength) {
        if (vocab.size() < 3 || !vocab.get(PAD_ID).equals(PAD) || !vocab.get(EOS_ID).equals(EOS) || !vocab.get(UNK_ID).equals(UNK)) {
            throw new IllegalArgumentException("vocabulary must start with " + PAD + ", " + EOS + ", " + UNK);
        }
        if (maxLength < 2) throw new IllegalArgumentException("maxLength must be at least 2 (a word and EOS), got " + maxLength);
        this.vocab = List.copyOf(vocab);
        this.maxLength = maxLength;
        for (int i = 0; i < vocab.size(); i++) {
            if (ids.put(vocab.get(i), i) != null) throw new IllegalArgumentException("duplicate vocabulary entry '" + vocab.get(i) + "'");
        }
    }

    /**
     * Vocabulary of the words seen at least {@code minCount} times in {@code captions}, most frequent
     * first (ties alphabetical), at most {@code maxVocab} entries including the special tokens.
     */
    public static WordTokenizer fromCaptions(Iterable<String> captions, int minCount, int maxVocab, int maxLength) {
        Map<String, Integer> counts = new HashMap<>();
        for (String c : captions) for (String w : words(c)) counts.merge(w, 1, Integer::sum);
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<String> vocab = new ArrayList<>(List.of(PAD, EOS, UNK));
        for (Map.Entry<String, Integer> e : sorted) {
            if (vocab.size() >= maxVocab || e.getValue() < minCount) break;
            vocab.add(e.getKey());
        }
        return new WordTokenizer(vocab, maxLength);
    }

    /** The lower-cased words of a text. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : SEPARATOR.split(text.toLowerCase(Locale.ROOT))) if (!w.isEmpty()) out.add(w);
        return out;
    }

    @Override
    public long[] encode(String prompt) {
        List<String> w = words(prompt);
        if (w.isEmpty()) throw new IllegalArgumentException("prompt has no words: \"" + prompt + "\"");
        if (w.size() > maxLength - 1) {
            LOG.warn("prompt of {} words truncated to {} tokens: \"{}...\"", w.size(), maxLength, prompt.substring(0, Math.min(60, prompt.length())));
            w = w.subList(0, maxLength - 1);
        }
        long[] out = new long[w.size() + 1];
        for (int i = 0; i < w.size(); i++) out[i] = ids.getOrDefault(w.get(i), UNK_ID);
        out[w.size()] = EOS_ID;
        return out;
    }

    /** Words of the ids up to EOS, space-separated; unknown words come back as {@code <unk>}. */
    public String decode(long[] tokenIds) {
        List<String> out = new ArrayList<>();
        for (long id : tokenIds) {
            if (id == EOS_ID) break;
            if (id == PAD_ID) continue;
            if (id < 0 || id >= vocab.size()) throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + vocab.size());
            out.add(vocab.get((int) id));
        }
        return String.join(" ", out);
    }

    public int vocabSize() { return vocab.size(); }
    public List<String> vocab() { return Collections.unmodifiableList(vocab); }
    @Override public long padId() { return PAD_ID; }
    @Override public int maxLength() { return maxLength; }

    /** Writes the vocabulary and settings as JSON (atomically). */
    public void save(Path file) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "word_level");
        json.put("lowercase", true);
        json.put("max_length", maxLength);
        json.put("vocab", vocab);
        AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(json));
    }

    public static WordTokenizer load(Path file) {
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            if (!o.has("type") || !o.get("type").getAsString().equals("word_level") || !o.has("vocab") || !o.has("max_length")) {
                throw new IllegalArgumentException(file + ": not a word-level vocabulary (needs type word_level, vocab, max_length)");
            }
            List<String> vocab = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("vocab")) vocab.add(e.getAsString());
            return new WordTokenizer(vocab, o.get("max_length").getAsInt());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": file not found");
        } catch (IOException | JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(file + ": not a valid vocabulary file: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }
}
