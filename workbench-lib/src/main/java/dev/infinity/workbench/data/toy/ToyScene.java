package dev.infinity.workbench.data.toy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A toy scene: 1-3 coloured shapes on a plain dark background, with the captions that describe it.
 *
 * <ul>
 *   <li>{@link Kind#SINGLE}: one object, "a red circle";
 *   <li>{@link Kind#COUNT}: n identical objects, "two red circles";
 *   <li>{@link Kind#PAIR}: two different objects, "a red circle and a blue square";
 *   <li>{@link Kind#POSITION}: two different objects, objects[0] {@code relation} objects[1],
 *       "a red circle to the left of a blue square" (the relation holds under GenEval's rule).
 * </ul>
 */
public record ToyScene(Kind kind, ToyBackground background, List<ToyObject> objects, ToyRelation relation) {
    public enum Kind { SINGLE, COUNT, PAIR, POSITION }

    public ToyScene {
        List<ToyObject> objs = List.copyOf(objects);
        objects = objs;
        boolean ok = switch (kind) {
            case SINGLE -> objs.size() == 1;
            case COUNT -> objs.size() >= 2 && objs.stream().allMatch(o -> sameKind(o, objs.get(0)));
            case PAIR, POSITION -> objs.size() == 2 && !sameKind(objs.get(0), objs.get(1));
        };
        if (!ok || (kind == Kind.POSITION) != (relation != null)) {
            throw new IllegalArgumentException("inconsistent " + kind + " scene: " + objects + ", relation " + relation);
        }
    }

    /** The short caption (the jsonl {@code text}): "a red circle to the left of a blue square". */
    public String shortCaption() {
        ToyObject a = objects.get(0);
        return switch (kind) {
            case SINGLE -> withArticle(a.noun(1));
            case COUNT -> numberWord(objects.size()) + " " + a.noun(objects.size());
            case PAIR -> withArticle(a.noun(1)) + " and " + withArticle(objects.get(1).noun(1));
            case POSITION -> withArticle(a.noun(1)) + " " + relation.phrase() + " " + withArticle(objects.get(1).noun(1));
        };
    }

    /**
     * The long caption (the jsonl {@code long_caption}): several sentences (split on '.', as the official
     * dynamic-length prompt does) naming the background, each object's size and where it sits.
     */
    public String longCaption() {
        StringBuilder s = new StringBuilder("A simple rendered picture of ").append(shortCaption())
                .append(" on a plain ").append(background.word).append(" background.");
        if (kind == Kind.COUNT) {
            s.append(" There are exactly ").append(numberWord(objects.size())).append(' ')
                    .append(objects.get(0).noun(objects.size())).append(" in the picture.");
            for (int i = 0; i < objects.size(); i++) {
                ToyObject o = objects.get(i);
                s.append(' ').append(capitalize(ordinal(i))).append(" one is ").append(sizeWord(o.size()))
                        .append(" and sits in the ").append(region(o)).append(" part of the picture.");
            }
        } else {
            for (ToyObject o : objects) {
                s.append(" The ").append(o.noun(1)).append(" is ").append(sizeWord(o.size()))
                        .append(" and sits in the ").append(region(o)).append(" part of the picture.");
            }
        }
        return s.append(" Nothing else is in the picture.").toString();
    }

    /** Renders the scene (antialiased Java2D) at {@code height} x {@code width} pixels, RGB. */
    public BufferedImage render(int height, int width) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(background.awt());
            g.fillRect(0, 0, width, height);
            for (ToyObject o : objects) {
                g.setColor(o.color().awt());
                g.fill(o.outline(height, width));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * The scene as JSON (the {@code toy_scene} field of the generated meta lines), e.g.
     * {@code {"kind":"position","background":"black","relation":"left of","objects":[{"shape":"circle","color":"red","cx":0.25,"cy":0.5,"size":0.3},...]}}.
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("kind", kind.name().toLowerCase(Locale.ROOT));
        o.addProperty("background", background.word);
        if (relation != null) o.addProperty("relation", relation.geneval());
        JsonArray objs = new JsonArray();
        for (ToyObject t : objects) {
            JsonObject j = new JsonObject();
            j.addProperty("shape", t.shape().word());
            j.addProperty("color", t.color().word());
            j.addProperty("cx", t.cx());
            j.addProperty("cy", t.cy());
            j.addProperty("size", t.size());
            objs.add(j);
        }
        o.add("objects", objs);
        return o;
    }

    public static ToyScene fromJson(JsonObject o) {
        List<ToyObject> objs = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("objects")) {
            JsonObject j = e.getAsJsonObject();
            objs.add(new ToyObject(ToyShape.parse(j.get("shape").getAsString()), ToyColor.parse(j.get("color").getAsString()),
                    j.get("cx").getAsDouble(), j.get("cy").getAsDouble(), j.get("size").getAsDouble()));
        }
        ToyBackground bg = null;
        for (ToyBackground b : ToyBackground.values()) if (b.word.equals(o.get("background").getAsString())) bg = b;
        if (bg == null) throw new IllegalArgumentException("unknown background " + o.get("background"));
        return new ToyScene(Kind.valueOf(o.get("kind").getAsString().toUpperCase(Locale.ROOT)), bg, objs,
                o.has("relation") ? ToyRelation.parseGeneval(o.get("relation").getAsString()) : null);
    }

    /** "small" / "medium sized" / "large" for a size as a fraction of the shorter image side. */
    public static String sizeWord(double size) {
        return size < 0.22 ? "small" : size < 0.3 ? "medium sized" : "large";
    }

    /** Which ninth of the picture the centre is in: "top left", "left", "center", "bottom", ... */
    public static String region(ToyObject o) {
        String h = o.cx() < 1.0 / 3 ? "left" : o.cx() > 2.0 / 3 ? "right" : "center";
        String v = o.cy() < 1.0 / 3 ? "top" : o.cy() > 2.0 / 3 ? "bottom" : "middle";
        if (v.equals("middle")) return h;
        return h.equals("center") ? v : v + " " + h;
    }

    /** "two", "three", ... (counts 1-9). */
    public static String numberWord(int n) {
        String[] words = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
        if (n < 0 || n >= words.length) throw new IllegalArgumentException("count " + n + " out of range 0..9");
        return words[n];
    }

    /** "a red circle", "an orange star". */
    public static String withArticle(String noun) {
        return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    private static String ordinal(int i) {
        return List.of("the first", "the second", "the third", "the fourth", "the fifth").get(i);
    }

    private static String capitalize(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static boolean sameKind(ToyObject a, ToyObject b) {
        return a.shape() == b.shape() && a.color() == b.color();
    }

    /** The objects as (colour, shape) groups in order of first appearance, e.g. [2 x red circle]. */
    public List<Group> groups() {
        List<Group> out = new ArrayList<>();
        for (ToyObject o : objects) {
            int i = 0;
            while (i < out.size() && !(out.get(i).shape == o.shape() && out.get(i).color == o.color())) i++;
            if (i == out.size()) out.add(new Group(o.color(), o.shape(), 1));
            else out.set(i, new Group(o.color(), o.shape(), out.get(i).count + 1));
        }
        return out;
    }

    /** {@code count} objects of one colour and shape. */
    public record Group(ToyColor color, ToyShape shape, int count) {}
}
