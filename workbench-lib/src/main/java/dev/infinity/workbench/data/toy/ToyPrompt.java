package dev.infinity.workbench.data.toy;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An evaluation prompt with its ground truth, in GenEval's metadata format: a {@code tag} (single_object,
 * two_object, counting, colors, position, color_attr), objects that must be present ({@code include}: class,
 * count, optional colour, optional position relative to an earlier include) and counts that must not be
 * reached ({@code exclude}). {@code heldOut} says the prompt is not the short caption of any training image.
 *
 * <p>One line of {@code eval_prompts.jsonl}:
 * {@code {"tag":"position","include":[{"class":"square","count":1,"color":"blue"},
 * {"class":"circle","count":1,"color":"red","position":["left of",0]}],"prompt":"a red circle to the left of a blue square","held_out":true}}
 */
public record ToyPrompt(String tag, String prompt, List<Requirement> include, List<Requirement> exclude, boolean heldOut) {
    public ToyPrompt {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    /**
     * {@code count} objects of a shape (and colour, when not null); with {@code relation}, this object is in
     * that relation to the object of include[{@code relativeTo}].
     */
    public record Requirement(ToyShape shape, int count, ToyColor color, ToyRelation relation, int relativeTo) {
        public static Requirement of(ToyShape shape, int count, ToyColor color) {
            return new Requirement(shape, count, color, null, -1);
        }
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("tag", tag);
        o.add("include", toJson(include));
        if (!exclude.isEmpty()) o.add("exclude", toJson(exclude));
        o.addProperty("prompt", prompt);
        o.addProperty("held_out", heldOut);
        return o;
    }

    private static JsonArray toJson(List<Requirement> rs) {
        JsonArray a = new JsonArray();
        for (Requirement r : rs) {
            JsonObject o = new JsonObject();
            o.addProperty("class", r.shape().word());
            o.addProperty("count", r.count());
            if (r.color() != null) o.addProperty("color", r.color().word());
            if (r.relation() != null) {
                JsonArray pos = new JsonArray();
                pos.add(r.relation().geneval());
                pos.add(r.relativeTo());
                o.add("position", pos);
            }
            a.add(o);
        }
        return a;
    }

    public static ToyPrompt fromJson(JsonObject o) {
        return new ToyPrompt(o.get("tag").getAsString(), o.get("prompt").getAsString(), requirements(o.get("include")),
                requirements(o.get("exclude")), o.has("held_out") && o.get("held_out").getAsBoolean());
    }

    private static List<Requirement> requirements(JsonElement e) {
        List<Requirement> out = new ArrayList<>();
        if (e == null) return out;
        for (JsonElement x : e.getAsJsonArray()) {
            JsonObject r = x.getAsJsonObject();
            ToyRelation rel = null;
            int to = -1;
            if (r.has("position")) {
                JsonArray p = r.getAsJsonArray("position");
                rel = ToyRelation.parseGeneval(p.get(0).getAsString());
                to = p.get(1).getAsInt();
            }
            out.add(new Requirement(ToyShape.parse(r.get("class").getAsString()), r.get("count").getAsInt(),
                    r.has("color") ? ToyColor.parse(r.get("color").getAsString()) : null, rel, to));
        }
        return out;
    }

    /** Reads an {@code eval_prompts.jsonl}; a bad line is an error naming the file and line. */
    public static List<ToyPrompt> readAll(Path file) {
        List<ToyPrompt> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompts " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                out.add(fromJson(JsonParser.parseString(lines.get(i)).getAsJsonObject()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": bad prompt line: " + e.getMessage(), e);
            }
        }
        return out;
    }

    static String toJsonLine(ToyPrompt p) {
        return new Gson().toJson(p.toJson());
    }
}
