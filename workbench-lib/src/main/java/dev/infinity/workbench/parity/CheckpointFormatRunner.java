package dev.infinity.workbench.parity;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.infinity.workbench.io.DType;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.Npy;
import dev.infinity.workbench.io.PyObjects.PyInstance;
import dev.infinity.workbench.io.PyObjects.PyOrderedDict;
import dev.infinity.workbench.io.PyObjects.PyTuple;
import dev.infinity.workbench.io.TorchCheckpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code checkpoint_format}: loads the case's {@code .pth} and walks its {@code expected} tree, checking
 * container types and order, scalars, and every tensor's dtype, shape, stride, offset, parameter flags
 * and values (bfloat16 bit-exact).
 */
public final class CheckpointFormatRunner implements CaseRunner {
    @Override
    public String kind() { return "checkpoint_format"; }

    @Override
    public void run(GoldenCase golden, CaseReport report) {
        Object root = TorchCheckpoint.load(golden.resolve(golden.json().get("checkpoint").getAsString()));
        List<String> problems = new ArrayList<>();
        int[] tensors = {0};
        walk(golden, "", golden.json().getAsJsonObject("expected"), root, problems, tensors, report);
        report.add(Tolerance.Check.fact("structure (" + tensors[0] + " tensors)", problems.isEmpty(),
                problems.isEmpty() ? "" : problems.size() + " mismatches, first: " + problems.get(0)));
    }

    private void walk(GoldenCase g, String path, JsonObject want, Object got, List<String> problems, int[] tensors, CaseReport report) {
        String type = want.get("type").getAsString();
        switch (type) {
            case "dict", "OrderedDict" -> {
                if (!(got instanceof Map<?, ?> m) || ("OrderedDict".equals(type) != (got instanceof PyOrderedDict))) {
                    problems.add(path + ": want " + type + ", got " + describe(got));
                    return;
                }
                JsonArray items = want.getAsJsonArray("items");
                List<Object> keys = new ArrayList<>(m.keySet());
                if (keys.size() != items.size()) problems.add(path + ": " + keys.size() + " keys, want " + items.size());
                for (int i = 0; i < Math.min(keys.size(), items.size()); i++) {
                    JsonArray kv = items.get(i).getAsJsonArray();
                    Object wantKey = scalarKey(kv.get(0));
                    if (!String.valueOf(keys.get(i)).equals(String.valueOf(wantKey))) {
                        problems.add(path + ": key #" + i + " is " + keys.get(i) + ", want " + wantKey);
                        continue;
                    }
                    walk(g, path + "/" + wantKey, kv.get(1).getAsJsonObject(), m.get(keys.get(i)), problems, tensors, report);
                }
                if (want.has("has__metadata") && got instanceof PyOrderedDict od && od.hasMetadata() != want.get("has__metadata").getAsBoolean()) {
                    problems.add(path + ": _metadata presence differs");
                }
            }
            case "list", "tuple" -> {
                boolean isTuple = got instanceof PyTuple;
                if (!(got instanceof List<?> l) || isTuple != type.equals("tuple")) {
                    problems.add(path + ": want " + type + ", got " + describe(got));
                    return;
                }
                JsonArray items = want.getAsJsonArray("items");
                if (l.size() != items.size()) problems.add(path + ": length " + l.size() + ", want " + items.size());
                for (int i = 0; i < Math.min(l.size(), items.size()); i++) {
                    walk(g, path + "[" + i + "]", items.get(i).getAsJsonObject(), l.get(i), problems, tensors, report);
                }
            }
            case "tensor" -> {
                tensors[0]++;
                checkTensor(g, path, want, got, problems, report);
            }
            case "int" -> expectScalar(path, want, got instanceof Long l ? (Object) l.longValue() : got, problems, Long.class);
            case "float" -> expectScalar(path, want, got, problems, Double.class);
            case "bool" -> expectScalar(path, want, got, problems, Boolean.class);
            case "str" -> expectScalar(path, want, got, problems, String.class);
            case "None" -> { if (got != null) problems.add(path + ": want None, got " + describe(got)); }
            default -> { // a class instance such as argparse.Namespace
                if (!(got instanceof PyInstance inst) || !inst.className().equals(type)) {
                    problems.add(path + ": want " + type + ", got " + describe(got));
                    return;
                }
                if (want.has("attributes")) {
                    Map<Object, Object> attrs = inst.attributes();
                    for (Map.Entry<String, JsonElement> e : want.getAsJsonObject("attributes").entrySet()) {
                        if (!attrs.containsKey(e.getKey())) problems.add(path + "." + e.getKey() + ": missing attribute");
                        else walk(g, path + "." + e.getKey(), e.getValue().getAsJsonObject(), attrs.get(e.getKey()), problems, tensors, report);
                    }
                }
            }
        }
    }

    private static Object scalarKey(JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            return o.has("value") ? o.get("value").getAsString() : o.toString();
        }
        if (e.getAsJsonPrimitive().isNumber()) return e.getAsLong();
        return e.getAsString();
    }

    private static void expectScalar(String path, JsonObject want, Object got, List<String> problems, Class<?> cls) {
        if (!cls.isInstance(got)) {
            problems.add(path + ": want " + cls.getSimpleName() + ", got " + describe(got));
            return;
        }
        JsonElement v = want.get("value");
        boolean same;
        if (cls == Double.class) {
            double w = v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? Double.parseDouble(v.getAsString().replace("inf", "Infinity")) : v.getAsDouble();
            same = Double.compare((Double) got, w) == 0;
        } else if (cls == Long.class) {
            same = (Long) got == v.getAsLong();
        } else if (cls == Boolean.class) {
            same = (Boolean) got == v.getAsBoolean();
        } else {
            same = got.equals(v.getAsString());
        }
        if (!same) problems.add(path + ": value " + got + ", want " + v);
    }

    private static void checkTensor(GoldenCase g, String path, JsonObject want, Object got, List<String> problems, CaseReport report) {
        if (!(got instanceof HostTensor t)) {
            problems.add(path + ": want tensor, got " + describe(got));
            return;
        }
        DType dtype = DType.fromPyName(want.get("dtype").getAsString());
        if (t.dtype() != dtype) problems.add(path + ": dtype " + t.dtype().pyName() + ", want " + dtype.pyName());
        long[] shape = longs(want.getAsJsonArray("shape"));
        if (!Arrays.equals(t.shape(), shape)) problems.add(path + ": shape " + Arrays.toString(t.shape()) + ", want " + Arrays.toString(shape));
        if (want.has("stride") && !Arrays.equals(t.stride(), longs(want.getAsJsonArray("stride")))) {
            problems.add(path + ": stride " + Arrays.toString(t.stride()) + ", want " + want.get("stride"));
        }
        if (want.has("storage_offset") && t.storageOffset() != want.get("storage_offset").getAsLong()) {
            problems.add(path + ": storage offset " + t.storageOffset() + ", want " + want.get("storage_offset"));
        }
        if (want.has("is_parameter") && t.isParameter() != want.get("is_parameter").getAsBoolean()) {
            problems.add(path + ": is_parameter " + t.isParameter());
        }
        if (want.has("requires_grad") && t.requiresGrad() != want.get("requires_grad").getAsBoolean()) {
            problems.add(path + ": requires_grad " + t.requiresGrad());
        }
        if (!problems.isEmpty() && problems.get(problems.size() - 1).startsWith(path + ":")) return;
        HostTensor expected = Npy.read(g.dir().resolve(want.get("values_file").getAsString()));
        report.add(Tolerance.EXACT.check(path, t.toDoubleArray(), expected.toDoubleArray()));
        if (want.has("bf16_bits_file")) {
            short[] bits = t.toShortBits();
            long[] wantBits = Npy.read(g.dir().resolve(want.get("bf16_bits_file").getAsString())).toLongArray();
            double[] a = new double[bits.length], b = new double[bits.length];
            for (int i = 0; i < bits.length; i++) { a[i] = bits[i] & 0xffff; b[i] = wantBits[i]; }
            report.add(Tolerance.EXACT.check(path + " (bf16 bits)", a, b));
        }
    }

    private static long[] longs(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsLong();
        return out;
    }

    private static String describe(Object o) {
        return o == null ? "None" : o instanceof PyInstance p ? p.className() : o.getClass().getSimpleName();
    }
}
