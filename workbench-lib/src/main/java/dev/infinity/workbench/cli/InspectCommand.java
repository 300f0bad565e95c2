package dev.infinity.workbench.cli;

import com.google.gson.GsonBuilder;
import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.StateDict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ./workbench inspect FILE [--key a/b] [--json]}: the tensors of a checkpoint. */
final class InspectCommand implements Command {
    @Override public String name() { return "inspect"; }
    @Override public String summary() { return "list a checkpoint's tensors (.pth, .safetensors, shard index): names, dtypes, shapes, totals; --json"; }

    @Override
    public int run(Args args) {
        Path file = Path.of(args.positional(0, "FILE"));
        boolean json = args.flag("json");
        String key = args.get("key", null);
        args.rejectUnknown();
        StateDict sd = key == null ? StateDict.load(file) : StateDict.load(file, key.split("/"));
        if (json) {
            List<Map<String, Object>> tensors = new ArrayList<>();
            sd.tensors().forEach((name, t) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", name);
                m.put("dtype", t.dtype().pyName());
                m.put("shape", t.shape());
                m.put("numel", t.numel());
                m.put("bytes", t.byteSize());
                tensors.add(m);
            });
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("file", file.toString());
            out.put("tensors", tensors);
            out.put("total_parameters", sd.totalParameters());
            out.put("total_bytes", sd.totalBytes());
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(out));
        } else {
            int width = sd.keys().stream().mapToInt(String::length).max().orElse(4);
            for (Map.Entry<String, HostTensor> e : sd.tensors().entrySet()) {
                HostTensor t = e.getValue();
                System.out.printf(Locale.ROOT, "%-" + width + "s  %-8s %s%n", e.getKey(), t.dtype().pyName(), java.util.Arrays.toString(t.shape()));
            }
            System.out.printf(Locale.ROOT, "%d tensors, %,d parameters, %,d bytes%n", sd.size(), sd.totalParameters(), sd.totalBytes());
        }
        return 0;
    }
}
