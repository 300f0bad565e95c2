package dev.infinity.workbench.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Named tensors in file order, from a .pth, safetensors (single or sharded) or built in memory. */
public final class StateDict {
    private static final List<List<String>> CONTAINERS = List.of(
            List.of("state_dict"), List.of("model"), List.of("module"), List.of("vae"),
            List.of("trainer", "gpt_fsdp"), List.of("gpt"), List.of("ema"));

    private final Path source;
    private final Map<String, HostTensor> tensors;

    public StateDict(Path source, Map<String, HostTensor> tensors) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * Loads a state dict from any supported file, choosing the reader by content: a {@code .safetensors}
     * file, a {@code *.index.json} shard index, or a {@code torch.save} file. The key path selects a
     * nested dict inside a training checkpoint.
     */
    public static StateDict load(Path file, String... keyPath) {
        String name = file.getFileName().toString();
        if (name.endsWith(".index.json")) return SafeTensors.readSharded(file);
        if (name.endsWith(".safetensors")) return SafeTensors.read(file);
        return TorchCheckpoint.loadStateDict(file, keyPath);
    }

    static StateDict fromObject(Path file, Object root, List<String> keyPath) {
        Object node = root;
        if (!keyPath.isEmpty()) {
            for (String k : keyPath) {
                if (!(node instanceof Map<?, ?> m) || !m.containsKey(k)) {
                    throw new CheckpointException(file, "no key '" + String.join("/", keyPath) + "' in the checkpoint (top-level keys: " + keysOf(root) + ")");
                }
                node = m.get(k);
            }
        } else if (!isTensorMap(node)) {
            for (List<String> path : CONTAINERS) {
                Object n = root;
                for (String k : path) n = n instanceof Map<?, ?> m ? m.get(k) : null;
                if (isTensorMap(n)) { node = n; break; }
            }
        }
        if (!isTensorMap(node)) {
            throw new CheckpointException(file, "holds no state dict (a dict of tensors); top-level keys: " + keysOf(root));
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
            if (e.getValue() instanceof HostTensor t) out.put(String.valueOf(e.getKey()), t);
        }
        return new StateDict(file, out);
    }

    private static boolean isTensorMap(Object o) {
        if (!(o instanceof Map<?, ?> m) || m.isEmpty()) return false;
        for (Object v : m.values()) if (!(v instanceof HostTensor)) return false;
        return true;
    }

    private static String keysOf(Object o) {
        if (!(o instanceof Map<?, ?> m)) return "(not a dict: " + (o == null ? "None" : o.getClass().getSimpleName()) + ")";
        List<String> keys = new ArrayList<>();
        for (Object k : m.keySet()) keys.add(String.valueOf(k));
        return keys.size() > 12 ? keys.subList(0, 12) + "..." : keys.toString();
    }

    public Path source() { return source; }
    public Map<String, HostTensor> tensors() { return tensors; }
    public Set<String> keys() { return tensors.keySet(); }
    public boolean contains(String key) { return tensors.containsKey(key); }
    public int size() { return tensors.size(); }

    public HostTensor get(String key) {
        HostTensor t = tensors.get(key);
        if (t == null) throw new CheckpointException(source, "has no tensor '" + key + "'");
        return t;
    }

    /** A copy with every key rewritten (keys mapped to null are dropped). */
    public StateDict renameKeys(UnaryOperator<String> rename) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            String n = rename.apply(k);
            if (n != null) out.put(n, v);
        });
        return new StateDict(source, out);
    }

    /** Keys under {@code prefix}, with the prefix removed. */
    public StateDict withPrefix(String prefix) {
        return renameKeys(k -> k.startsWith(prefix) ? k.substring(prefix.length()) : null);
    }

    public long totalParameters() {
        long n = 0;
        for (HostTensor t : tensors.values()) n += t.numel();
        return n;
    }

    public long totalBytes() {
        long n = 0;
        for (HostTensor t : tensors.values()) n += t.byteSize();
        return n;
    }
}
