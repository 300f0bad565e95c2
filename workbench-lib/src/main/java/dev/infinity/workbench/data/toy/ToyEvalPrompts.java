package dev.infinity.workbench.data.toy;

import dev.infinity.workbench.data.toy.ToyPrompt.Requirement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The evaluation prompts of the toy data set, {@code perTag} for each GenEval tag:
 * <ul>
 *   <li>single_object, colors, counting (2 or 3), two_object: combinations the training set also uses
 *       (in-distribution; {@code held_out} tells whether the exact prompt was a training caption);
 *   <li>position and color_attr: only pairs of coloured shapes that {@link ToySceneSampler#isHeldOut} keeps
 *       out of every training image, so these prompts test composition of attributes seen separately.
 * </ul>
 * Two-object prompts use two different shapes, so a detector can match them by class.
 */
public final class ToyEvalPrompts {
    private ToyEvalPrompts() {}

    public static final List<String> TAGS = List.of("single_object", "two_object", "counting", "colors", "position", "color_attr");

    public static List<ToyPrompt> generate(Random rng, Set<String> trainingCaptions, int perTag) {
        List<ToyPrompt> out = new ArrayList<>();
        for (String tag : TAGS) {
            Map<String, ToyPrompt> unique = new LinkedHashMap<>();
            for (int tries = 0; unique.size() < perTag && tries < 100 * perTag; tries++) {
                ToyPrompt p = draw(tag, rng, trainingCaptions);
                unique.putIfAbsent(p.prompt(), p);
            }
            out.addAll(unique.values());
        }
        return out;
    }

    private static ToyPrompt draw(String tag, Random rng, Set<String> training) {
        ToyColor c1 = pick(ToyColor.values(), rng), c2 = pick(ToyColor.values(), rng);
        ToyShape s1 = pick(ToyShape.values(), rng), s2 = pick(ToyShape.values(), rng);
        boolean heldOutPair = tag.equals("position") || tag.equals("color_attr");
        while (s1 == s2 || ToySceneSampler.isHeldOut(c1, s1, c2, s2) != heldOutPair) {
            c1 = pick(ToyColor.values(), rng);
            c2 = pick(ToyColor.values(), rng);
            s1 = pick(ToyShape.values(), rng);
            s2 = pick(ToyShape.values(), rng);
        }
        String a = ToyScene.withArticle(c1.word() + " " + s1.word()), b = ToyScene.withArticle(c2.word() + " " + s2.word());
        String prompt;
        List<Requirement> include = new ArrayList<>(), exclude = new ArrayList<>();
        switch (tag) {
            case "single_object" -> {
                prompt = a;
                include.add(Requirement.of(s1, 1, null));
            }
            case "colors" -> {
                prompt = a;
                include.add(Requirement.of(s1, 1, c1));
            }
            case "counting" -> {
                int n = 2 + rng.nextInt(2);
                prompt = ToyScene.numberWord(n) + " " + c1.word() + " " + s1.word(n);
                include.add(Requirement.of(s1, n, null));
                exclude.add(Requirement.of(s1, n + 1, null));
            }
            case "two_object" -> {
                prompt = a + " and " + b;
                include.add(Requirement.of(s1, 1, null));
                include.add(Requirement.of(s2, 1, null));
            }
            case "color_attr" -> {
                prompt = a + " and " + b;
                include.add(Requirement.of(s1, 1, c1));
                include.add(Requirement.of(s2, 1, c2));
            }
            case "position" -> {
                ToyRelation rel = pick(ToyRelation.values(), rng);
                prompt = a + " " + rel.phrase() + " " + b;
                include.add(Requirement.of(s2, 1, c2));
                include.add(new Requirement(s1, 1, c1, rel, 0));
            }
            default -> throw new IllegalArgumentException("unknown tag " + tag);
        }
        return new ToyPrompt(tag, prompt, include, exclude, !training.contains(prompt));
    }

    private static <T> T pick(T[] values, Random rng) {
        return values[rng.nextInt(values.length)];
    }
}
