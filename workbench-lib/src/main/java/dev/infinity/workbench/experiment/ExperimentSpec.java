package dev.infinity.workbench.experiment;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A declared experiment: {@code experiments/NAME.json} with {@code kind}, a {@code description}, common
 * {@code params} and per-budget overrides under {@code budgets.small} / {@code budgets.full}.
 */
public record ExperimentSpec(String name, String kind, String description, JsonObject params) {

    public static ExperimentSpec load(Path file, String budget) {
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such experiment file");
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(file + ": not a valid experiment file: " + e.getMessage());
        }
        if (!json.has("kind")) throw new IllegalArgumentException(file + ": missing \"kind\"");
        JsonObject params = json.has("params") ? json.getAsJsonObject("params").deepCopy() : new JsonObject();
        if (json.has("budgets")) {
            JsonObject budgets = json.getAsJsonObject("budgets");
            if (!budgets.has(budget)) throw new IllegalArgumentException(file + ": no budget '" + budget + "' (has " + budgets.keySet() + ")");
            for (Map.Entry<String, JsonElement> e : budgets.getAsJsonObject(budget).entrySet()) params.add(e.getKey(), e.getValue());
        }
        params.addProperty("budget", budget);
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        return new ExperimentSpec(name, json.get("kind").getAsString(),
                json.has("description") ? json.get("description").getAsString() : "", params);
    }

    public int getInt(String key, int def) { return params.has(key) ? params.get(key).getAsInt() : def; }
    public double getDouble(String key, double def) { return params.has(key) ? params.get(key).getAsDouble() : def; }
    public boolean getBoolean(String key, boolean def) { return params.has(key) ? params.get(key).getAsBoolean() : def; }
    public String getString(String key, String def) { return params.has(key) ? params.get(key).getAsString() : def; }

    public int[] getInts(String key, int... def) {
        if (!params.has(key)) return def;
        var a = params.getAsJsonArray(key);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
        return out;
    }
}
