package dev.infinity.workbench.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Picks the training prompt of a record as the official loader does.
 *
 * <p>With the dynamic-length prompt on (the official default) and a generated long caption (type other
 * than "user_prompt"): the long caption is split into sentences at '.'; a record without a short caption
 * gets the first one or two sentences (two when the first has fewer than 15 words) as its short caption;
 * with probability {@code shortProb} the short caption is used, otherwise a random number of leading
 * sentences, more than the short caption has (the whole caption when it has no more). Off: the short
 * caption with probability {@code shortProb} when there is one, else the long caption. Finally text
 * after a "--" is dropped (when something precedes it).
 */
public record CaptionChooser(double shortProb, boolean dynamicLength) {
    public CaptionChooser {
        if (!(shortProb >= 0 && shortProb <= 1)) throw new IllegalArgumentException("short caption probability must be in [0, 1]: " + shortProb);
    }

    public String choose(DataRecord r, Random rng) {
        return dropAfterDashes(pick(r, rng));
    }

    private String pick(DataRecord r, Random rng) {
        double u = rng.nextDouble();
        String shortText = r.text();
        if (!dynamicLength || r.longCaptionType().equals("user_prompt")) {
            return !shortText.isEmpty() && u < shortProb ? shortText : r.longCaption();
        }
        List<String> sentences = new ArrayList<>();
        for (String s : r.longCaption().split("\\.", -1)) if (!s.isEmpty()) sentences.add(s);
        int firstWords = 0;
        if (!sentences.isEmpty()) for (String w : sentences.get(0).split(" ", -1)) if (!w.isEmpty()) firstWords++;
        int shortSentences = firstWords >= 15 ? 1 : 2;
        if (shortText.isEmpty()) shortText = String.join(".", sentences.subList(0, Math.min(shortSentences, sentences.size())));
        if (u < shortProb) return shortText;
        if (sentences.size() <= shortSentences) return r.longCaption();
        int n = shortSentences + 1 + rng.nextInt(sentences.size() - shortSentences); // in [short + 1, len]
        return String.join(".", sentences.subList(0, n));
    }

    static String dropAfterDashes(String text) {
        int i = text.indexOf("--");
        return i > 0 ? text.substring(0, i) : text;
    }
}
