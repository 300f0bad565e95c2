package dev.infinity.workbench.io;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Hugging Face safetensors: memory-mapped reading (single file or sharded index) and atomic writing. */
public final class SafeTensors {
    private SafeTensors() {}

    public static StateDict read(Path file) {
        if (Files.isDirectory(file)) throw new CheckpointException(file, "is a directory, expected a .safetensors file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new CheckpointException(file, "too short for safetensors (" + size + " bytes)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > 100_000_000L || 8 + headerLen > size) {
                throw new CheckpointException(file, "bad safetensors header length " + headerLen + " (truncated or not safetensors)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            while (hb.hasRemaining()) ch.read(hb, 8 + hb.position());
            JsonObject header;
            try {
                header = JsonParser.parseString(new String(hb.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new CheckpointException(file, "safetensors header is not valid JSON");
            }
            long dataStart = 8 + headerLen;
            Map<String, HostTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) continue;
                JsonObject info = e.getValue().getAsJsonObject();
                DType dtype;
                try {
                    dtype = DType.fromSafetensors(info.get("dtype").getAsString());
                } catch (IllegalArgumentException ex) {
                    throw new CheckpointException(file, "tensor '" + e.getKey() + "': " + ex.getMessage());
                }
                var shapeArr = info.getAsJsonArray("shape");
                long[] shape = new long[shapeArr.size()];
                for (int i = 0; i < shape.length; i++) shape[i] = shapeArr.get(i).getAsLong();
                var offs = info.getAsJsonArray("data_offsets");
                long begin = offs.get(0).getAsLong();
                long end = offs.get(1).getAsLong();
                long need;
                try {
                    need = Math.multiplyExact(HostTensor.numel(shape), (long) dtype.size);
                } catch (ArithmeticException | IllegalArgumentException ex) {
                    throw new CheckpointException(file, "tensor '" + e.getKey() + "' has an invalid shape");
                }
                if (begin < 0 || end - begin != need || dataStart + end > size) {
                    throw new CheckpointException(file, "tensor '" + e.getKey() + "' data range [" + begin + ", " + end + ") does not fit its shape or the file");
                }
                if (need > Integer.MAX_VALUE) throw new CheckpointException(file, "tensor '" + e.getKey() + "' is larger than 2 GiB");
                ByteBuffer data = need == 0 ? ByteBuffer.allocateDirect(0)
                        : ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, need);
                out.put(e.getKey(), new HostTensor(dtype, shape, data));
            }
            return new StateDict(file, out);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "file not found");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads a {@code *.safetensors.index.json} and every shard it names (each shard mapped, not copied). */
    public static StateDict readSharded(Path indexFile) {
        JsonObject index;
        try {
            index = JsonParser.parseString(Files.readString(indexFile)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new CheckpointException(indexFile, "file not found");
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new CheckpointException(indexFile, "not a valid shard index: " + e.getMessage());
        }
        if (!index.has("weight_map")) throw new CheckpointException(indexFile, "shard index has no 'weight_map'");
        Map<String, StateDict> shards = new LinkedHashMap<>();
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : index.getAsJsonObject("weight_map").entrySet()) {
            String shardName = e.getValue().getAsString();
            StateDict shard = shards.computeIfAbsent(shardName, n -> {
                Path p = indexFile.resolveSibling(n);
                if (!Files.exists(p)) throw new CheckpointException(p, "shard named in " + indexFile.getFileName() + " is missing");
                return StateDict.load(p);
            });
            if (!shard.contains(e.getKey())) throw new CheckpointException(shard.source(), "does not contain '" + e.getKey() + "' named in the index");
            out.put(e.getKey(), shard.get(e.getKey()));
        }
        return new StateDict(indexFile, out);
    }

    /** Writes tensors (in the given order) atomically. */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new TreeMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor t = e.getValue();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", t.dtype().safetensorsName);
            info.put("shape", t.shape());
            info.put("data_offsets", new long[] {offset, offset + t.byteSize()});
            header.put(e.getKey(), info);
            offset += t.byteSize();
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        ByteBuffer head = ByteBuffer.allocate(8 + json.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(json.length + pad).put(json);
        for (int i = 0; i < pad; i++) head.put((byte) ' ');
        head.flip();
        AtomicFiles.write(file, ch -> {
            while (head.hasRemaining()) ch.write(head);
            for (HostTensor t : tensors.values()) {
                ByteBuffer d = t.data();
                while (d.hasRemaining()) ch.write(d);
            }
        });
    }
}
