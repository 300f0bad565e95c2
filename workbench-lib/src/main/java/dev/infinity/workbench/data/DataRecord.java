package dev.infinity.workbench.data;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;

/**
 * One line of a meta file: an image and its captions.
 *
 * @param imagePath        as written in the line (resolved later by {@link ImageRoot})
 * @param hDivW            the image's own height / width
 * @param longCaption      the long caption
 * @param text             the short caption, or "" when the line has none
 * @param longCaptionType  e.g. "caption-InternVL2.0"; "user_prompt" when absent (as the official loader)
 * @param shortCaptionType e.g. "blip2_caption", or "" when absent
 * @param file             the meta file
 * @param line             1-based line number in that file
 */
public record DataRecord(String imagePath, double hDivW, String longCaption, String text, String longCaptionType,
                         String shortCaptionType, SplitFile file, long line) {
    private static final TypeAdapter<JsonElement> JSON = new Gson().getAdapter(JsonElement.class);

    /** Where a record came from, for messages: {@code 1.500_000002500.jsonl:17}. */
    public String where() {
        return file.path().getFileName() + ":" + line;
    }

    /**
     * Parses one jsonl line (strict JSON: one object, nothing after it).
     *
     * @throws MalformedRecordException naming what is wrong (the caller adds file and line)
     */
    public static DataRecord parse(String json, SplitFile file, long line) throws MalformedRecordException {
        JsonObject o = parseObject(json);
        String imagePath = requiredString(o, "image_path");
        String longCaption = requiredString(o, "long_caption");
        JsonElement h = o.get("h_div_w");
        if (h == null || h.isJsonNull()) throw new MalformedRecordException("missing field 'h_div_w'");
        if (!(h instanceof JsonPrimitive p) || !p.isNumber()) throw new MalformedRecordException("'h_div_w' is not a number: " + h);
        double hDivW = p.getAsDouble();
        if (!Double.isFinite(hDivW) || hDivW <= 0) throw new MalformedRecordException("non-finite or non-positive h_div_w " + p.getAsString());
        if (imagePath.isBlank()) throw new MalformedRecordException("empty 'image_path'");
        return new DataRecord(imagePath, hDivW, longCaption, optionalString(o, "text", ""),
                optionalString(o, "long_caption_type", "user_prompt"), optionalString(o, "short_caption_type", ""), file, line);
    }

    private static JsonObject parseObject(String json) throws MalformedRecordException {
        try (JsonReader r = new JsonReader(new StringReader(json))) {
            r.setStrictness(Strictness.STRICT);
            if (r.peek() != JsonToken.BEGIN_OBJECT) throw new MalformedRecordException("not a JSON object");
            JsonObject o = JSON.read(r).getAsJsonObject();
            if (r.peek() != JsonToken.END_DOCUMENT) throw new MalformedRecordException("text after the JSON object");
            return o;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new MalformedRecordException("bad JSON: " + msg.replaceAll("\\s+See https?://\\S+", ""));
        }
    }

    private static String requiredString(JsonObject o, String key) throws MalformedRecordException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) throw new MalformedRecordException("missing field '" + key + "'");
        if (!(e instanceof JsonPrimitive p) || !p.isString()) throw new MalformedRecordException("'" + key + "' is not a string");
        return p.getAsString();
    }

    private static String optionalString(JsonObject o, String key, String def) throws MalformedRecordException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return def;
        if (!(e instanceof JsonPrimitive p) || !p.isString()) throw new MalformedRecordException("'" + key + "' is not a string");
        return p.getAsString();
    }

    /** A line that cannot be used; the message says why. */
    public static final class MalformedRecordException extends Exception {
        public MalformedRecordException(String message) { super(message); }
    }
}
