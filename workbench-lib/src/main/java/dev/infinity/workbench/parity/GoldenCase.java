package dev.infinity.workbench.parity;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.Npy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** One golden case folder: its {@code case.json} and the tensors it names. */
public final class GoldenCase {
    /** A tensor entry of {@code inputs}, {@code outputs} or {@code intermediates}. */
    public record TensorSpec(String name, String file, long[] shape, String dtype, Tolerance tolerance, String group, int index) {}

    private final Path dir;
    private final JsonObject json;

    public GoldenCase(Path dir) {
        this.dir = dir;
        try {
            this.json = JsonParser.parseString(Files.readString(dir.resolve("case.json"))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve("case.json"), e);
        }
    }

    public Path dir() { return dir; }
    public JsonObject json() { return json; }
    public String kind() { return json.get("kind").getAsString(); }
    public String name() { return json.has("case") ? json.get("case").getAsString() : dir.getFileName().toString(); }
    public boolean optional() { return json.has("optional") && json.get("optional").getAsBoolean(); }

    public List<TensorSpec> inputs() { return specs("inputs"); }
    public List<TensorSpec> outputs() { return specs("outputs"); }
    public List<TensorSpec> intermediates() { return specs("intermediates"); }

    private List<TensorSpec> specs(String field) {
        List<TensorSpec> out = new ArrayList<>();
        if (!json.has(field) || !json.get(field).isJsonArray()) return out;
        for (JsonElement e : json.getAsJsonArray(field)) {
            JsonObject o = e.getAsJsonObject();
            JsonArray sh = o.getAsJsonArray("shape");
            long[] shape = new long[sh == null ? 0 : sh.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = sh.get(i).getAsLong();
            out.add(new TensorSpec(o.get("name").getAsString(), o.get("file").getAsString(), shape,
                    o.has("dtype") ? o.get("dtype").getAsString() : null,
                    Tolerance.fromJson(o.has("tolerance") ? o.getAsJsonObject("tolerance") : null),
                    o.has("group") ? o.get("group").getAsString() : null,
                    o.has("index") ? o.get("index").getAsInt() : -1));
        }
        return out;
    }

    /** The spec with this name among inputs, outputs and intermediates. */
    public TensorSpec spec(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(name() + ": no tensor named '" + name + "' in case.json"));
    }

    public Optional<TensorSpec> find(String name) {
        for (String f : List.of("inputs", "outputs", "intermediates")) {
            for (TensorSpec s : specs(f)) if (s.name().equals(name)) return Optional.of(s);
        }
        return Optional.empty();
    }

    /** The members of a per-scale group ({@code bits.0}, {@code bits.1}, ...) in index order. */
    public List<TensorSpec> group(String group) {
        List<TensorSpec> out = new ArrayList<>();
        for (String f : List.of("inputs", "outputs", "intermediates")) {
            for (TensorSpec s : specs(f)) if (group.equals(s.group())) out.add(s);
        }
        out.sort(Comparator.comparingInt(TensorSpec::index));
        return out;
    }

    public HostTensor load(TensorSpec spec) { return Npy.read(dir.resolve(spec.file())); }
    public HostTensor load(String name) { return load(spec(name)); }

    /** A path relative to the case folder (e.g. the weights file {@code ../vae.pth}). */
    public Path resolve(String relative) { return dir.resolve(relative).normalize(); }
}
