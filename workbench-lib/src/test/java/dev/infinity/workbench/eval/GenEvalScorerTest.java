package dev.infinity.workbench.eval;

import dev.infinity.workbench.data.toy.ToyBackground;
import dev.infinity.workbench.data.toy.ToyColor;
import dev.infinity.workbench.data.toy.ToyObject;
import dev.infinity.workbench.data.toy.ToyPrompt;
import dev.infinity.workbench.data.toy.ToyPrompt.Requirement;
import dev.infinity.workbench.data.toy.ToyRelation;
import dev.infinity.workbench.data.toy.ToyScene;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenEvalScorerTest {
    static final int SIZE = 128;

    /** A clean scene for a prompt; {@code wrong} breaks it (inverted relation, swapped colours, one object too many). */
    static BufferedImage render(ToyPrompt p, boolean wrong) {
        List<Requirement> inc = p.include();
        Requirement first = inc.get(0);
        ToyColor c0 = first.color() == null ? ToyColor.GREEN : first.color();
        List<ToyObject> objs = new ArrayList<>();
        ToyScene.Kind kind;
        ToyRelation rel = null;
        switch (p.tag()) {
            case "counting" -> {
                kind = ToyScene.Kind.COUNT;
                int n = first.count() + (wrong ? 1 : 0);
                for (int i = 0; i < n; i++) objs.add(new ToyObject(first.shape(), c0, (i + 0.5) / n, 0.5, 0.18));
            }
            case "position" -> {
                kind = ToyScene.Kind.POSITION;
                Requirement a = inc.get(1), b = inc.get(0);
                rel = wrong ? a.relation().inverse() : a.relation();
                double[] pa = switch (rel) { case LEFT_OF -> new double[] {0.27, 0.5}; case RIGHT_OF -> new double[] {0.73, 0.5};
                    case ABOVE -> new double[] {0.5, 0.27}; case BELOW -> new double[] {0.5, 0.73}; };
                objs.add(new ToyObject(a.shape(), a.color(), pa[0], pa[1], 0.3));
                objs.add(new ToyObject(b.shape(), b.color(), 1 - pa[0], 1 - pa[1], 0.3));
            }
            case "two_object", "color_attr" -> {
                kind = ToyScene.Kind.PAIR;
                Requirement b = inc.get(1);
                ToyColor c1 = b.color() == null ? ToyColor.BLUE : b.color();
                // broken colour attribution: the first object takes a colour that is not its own
                ToyColor firstColor = wrong && p.tag().equals("color_attr") ? nextColor(c0) : c0;
                objs.add(new ToyObject(first.shape(), firstColor, 0.27, 0.5, 0.3));
                objs.add(new ToyObject(wrong && p.tag().equals("two_object") ? first.shape() : b.shape(), c1, 0.73, 0.5, 0.3));
            }
            default -> {
                kind = ToyScene.Kind.SINGLE;
                ToyColor c = wrong && first.color() != null ? nextColor(c0) : c0;
                objs.add(new ToyObject(wrong && first.color() == null ? otherShape(first) : first.shape(), c, 0.5, 0.5, 0.35));
            }
        }
        if (kind == ToyScene.Kind.PAIR && objs.get(0).shape() == objs.get(1).shape() && objs.get(0).color() == objs.get(1).color()) kind = ToyScene.Kind.COUNT;
        return new ToyScene(kind, ToyBackground.SLATE, objs, rel).render(SIZE, SIZE);
    }

    private static ToyColor nextColor(ToyColor c) { return ToyColor.values()[(c.ordinal() + 1) % ToyColor.values().length]; }

    private static dev.infinity.workbench.data.toy.ToyShape otherShape(Requirement r) {
        return dev.infinity.workbench.data.toy.ToyShape.values()[(r.shape().ordinal() + 1) % 5];
    }

    @Test
    void heldOutPromptsRenderedCorrectlyScoreOneAndBrokenRendersScoreZero() {
        List<ToyPrompt> prompts = ToyPrompt.readAll(ToyDetectorTest.repoRoot().resolve("data/infinity_toy_data/eval_prompts.jsonl"));
        assertTrue(prompts.size() >= 60);
        GenEvalScorer scorer = new GenEvalScorer();
        List<List<BufferedImage>> good = new ArrayList<>(), bad = new ArrayList<>();
        for (ToyPrompt p : prompts) {
            good.add(List.of(render(p, false)));
            bad.add(List.of(render(p, true)));
        }
        List<GenEvalScorer.Outcome> ok = scorer.scoreAll(prompts, good);
        Table t = GenEvalScorer.table(ok);
        assertEquals(7, t.rowCount(), "six GenEval tags + overall");
        assertEquals("overall", t.stringColumn("tag").get(6));
        List<String> failures = ok.stream().filter(o -> !o.correct()).map(o -> o.prompt().prompt() + ": " + o.reason()).toList();
        assertTrue(t.doubleColumn("accuracy").get(6) >= 0.98, t.print() + failures);

        Table broken = GenEvalScorer.table(scorer.scoreAll(prompts, bad));
        for (int i = 0; i < 6; i++) assertEquals(0.0, broken.doubleColumn("accuracy").get(i), 0.02, broken.print());
    }

    @Test
    void reasonsNameWhatIsMissing() {
        ToyPrompt p = new ToyPrompt("counting", "two red stars", List.of(Requirement.of(dev.infinity.workbench.data.toy.ToyShape.STAR, 2, null)),
                List.of(Requirement.of(dev.infinity.workbench.data.toy.ToyShape.STAR, 3, null)), false);
        GenEvalScorer.Outcome o = new GenEvalScorer().score(p, List.of());
        assertFalse(o.correct());
        assertTrue(o.reason().contains("star >= 2, found 0"), o.reason());
    }
}
