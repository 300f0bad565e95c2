package dev.infinity.workbench.eval;

import dev.infinity.workbench.data.toy.ToyEvalPrompts;
import dev.infinity.workbench.data.toy.ToyPrompt;
import dev.infinity.workbench.data.toy.ToyPrompt.Requirement;
import dev.infinity.workbench.data.toy.ToyRelation;
import dev.infinity.workbench.data.toy.ToyShape;
import dev.infinity.workbench.eval.ToyDetector.Detection;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GenEval-style compositional scoring of generated toy images against {@link ToyPrompt} metadata, with the
 * {@link ToyDetector} in place of GenEval's object detector. The decision rule follows GenEval's:
 * <ul>
 *   <li>for each {@code include} requirement, the {@code count} most confident detections of its class (shape) must
 *       exist; with a colour, all of them must have that colour; with a position, each must stand in that relation
 *       (GenEval's box rule) to every object matched by the referenced earlier requirement;</li>
 *   <li>for each {@code exclude} requirement, fewer than {@code count} objects of its class may be detected.</li>
 * </ul>
 * The table reports per-tag accuracy and the overall score as GenEval does: the mean of the tag accuracies.
 */
public final class GenEvalScorer {
    /** The verdict for one image. */
    public record Outcome(ToyPrompt prompt, boolean correct, String reason) {}

    private final ToyDetector detector;

    public GenEvalScorer() { this(new ToyDetector()); }
    public GenEvalScorer(ToyDetector detector) { this.detector = detector; }

    public Outcome score(ToyPrompt prompt, BufferedImage image) { return score(prompt, detector.detect(image)); }

    public Outcome score(ToyPrompt prompt, List<Detection> detections) {
        Map<ToyShape, List<Detection>> byClass = new LinkedHashMap<>();
        for (Detection d : detections) byClass.computeIfAbsent(d.shape(), k -> new ArrayList<>()).add(d);
        List<List<Detection>> matched = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Requirement req : prompt.include()) {
            List<Detection> all = byClass.getOrDefault(req.shape(), List.of());
            List<Detection> found = all.subList(0, Math.min(req.count(), all.size()));
            boolean ok = found.size() >= req.count();
            if (!ok) reasons.add("expected " + req.shape().word() + " >= " + req.count() + ", found " + found.size());
            if (ok && req.color() != null && found.stream().anyMatch(d -> d.color() != req.color())) {
                ok = false;
                reasons.add("expected " + req.color().word() + " " + req.shape().word(req.count()) + ", found "
                        + found.stream().map(d -> d.color().word()).toList());
            }
            if (ok && req.relation() != null) {
                List<Detection> targets = req.relativeTo() < matched.size() ? matched.get(req.relativeTo()) : null;
                if (targets == null) {
                    ok = false;
                    reasons.add("no target object for the position requirement");
                } else {
                    for (Detection d : found) for (Detection t : targets) {
                        if (ok && !ToyRelation.between(d.box(), t.box()).contains(req.relation())) {
                            ok = false;
                            reasons.add("expected " + req.shape().word() + " " + req.relation().geneval() + " target, found "
                                    + ToyRelation.between(d.box(), t.box()));
                        }
                    }
                }
            }
            matched.add(ok ? found : null);
        }
        for (Requirement req : prompt.exclude()) {
            int n = byClass.getOrDefault(req.shape(), List.of()).size();
            if (n >= req.count()) reasons.add("expected " + req.shape().word() + " < " + req.count() + ", found " + n);
        }
        return new Outcome(prompt, reasons.isEmpty(), String.join("; ", reasons));
    }

    /** Scores {@code images.get(i)} (one or more images per prompt) against {@code prompts.get(i)}. */
    public List<Outcome> scoreAll(List<ToyPrompt> prompts, List<List<BufferedImage>> images) {
        if (prompts.size() != images.size()) throw new IllegalArgumentException(prompts.size() + " prompts but " + images.size() + " image groups");
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) for (BufferedImage im : images.get(i)) out.add(score(prompts.get(i), im));
        return out;
    }

    /** Per-tag (GenEval's order, then any other tags) images, correct, accuracy; last row "overall" = mean of tag accuracies. */
    public static Table table(List<Outcome> outcomes) {
        Map<String, int[]> byTag = new LinkedHashMap<>();
        for (String t : ToyEvalPrompts.TAGS) byTag.put(t, new int[2]);
        for (Outcome o : outcomes) {
            int[] c = byTag.computeIfAbsent(o.prompt().tag(), k -> new int[2]);
            c[0]++;
            if (o.correct()) c[1]++;
        }
        StringColumn tag = StringColumn.create("tag");
        IntColumn images = IntColumn.create("images"), correct = IntColumn.create("correct");
        DoubleColumn acc = DoubleColumn.create("accuracy");
        double sum = 0;
        int tags = 0, total = 0, totalCorrect = 0;
        for (Map.Entry<String, int[]> e : byTag.entrySet()) {
            if (e.getValue()[0] == 0) continue;
            double a = e.getValue()[1] / (double) e.getValue()[0];
            tag.append(e.getKey());
            images.append(e.getValue()[0]);
            correct.append(e.getValue()[1]);
            acc.append(a);
            sum += a;
            tags++;
            total += e.getValue()[0];
            totalCorrect += e.getValue()[1];
        }
        tag.append("overall");
        images.append(total);
        correct.append(totalCorrect);
        acc.append(tags == 0 ? Double.NaN : sum / tags);
        return Table.create("geneval", tag, images, correct, acc);
    }
}
