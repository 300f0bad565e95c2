package dev.infinity.workbench.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsAndNpyTest {
    @TempDir Path tmp;

    private static HostTensor bf16(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putShort(Half.toBFloat16Bits(v));
        return new HostTensor(DType.BFLOAT16, new long[] {values.length}, b.flip());
    }

    @Test
    void safetensorsRoundTripKeepsOrderDtypesAndValues() {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        t.put("z.weight", HostTensor.of(new float[] {1.5f, -2f, 3.25f, 0f}, 2, 2));
        t.put("a.bias", HostTensor.of(new long[] {7, -8, 9}, 3));
        t.put("b.half", bf16(1f, -0.5f, 3f));
        t.put("empty", HostTensor.of(new float[0], 0, 4));
        Path f = tmp.resolve("m.safetensors");
        SafeTensors.write(f, t, Map.of("format", "pt"));
        StateDict sd = StateDict.load(f);
        assertEquals(List.of("z.weight", "a.bias", "b.half", "empty"), List.copyOf(sd.keys()));
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f}, sd.get("z.weight").toFloatArray());
        assertArrayEquals(new long[] {7, -8, 9}, sd.get("a.bias").toLongArray());
        assertEquals(DType.BFLOAT16, sd.get("b.half").dtype());
        assertArrayEquals(new float[] {1f, -0.5f, 3f}, sd.get("b.half").toFloatArray());
        assertArrayEquals(new long[] {0, 4}, sd.get("empty").shape());
    }

    @Test
    void shardedIndexLoadsEveryShardAndNamesAMissingOne() throws Exception {
        SafeTensors.write(tmp.resolve("model-00001-of-00002.safetensors"), Map.of("a", HostTensor.of(new float[] {1}, 1)), null);
        SafeTensors.write(tmp.resolve("model-00002-of-00002.safetensors"), Map.of("b", HostTensor.of(new float[] {2, 3}, 2)), null);
        Path index = Files.writeString(tmp.resolve("model.safetensors.index.json"),
                "{\"metadata\": {}, \"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"b\": \"model-00002-of-00002.safetensors\"}}");
        StateDict sd = StateDict.load(index);
        assertArrayEquals(new float[] {2, 3}, sd.get("b").toFloatArray());
        Files.delete(tmp.resolve("model-00002-of-00002.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> StateDict.load(index));
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void corruptSafetensorsHeader() throws Exception {
        Path f = tmp.resolve("bad.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + 5).order(ByteOrder.LITTLE_ENDIAN).putLong(5).put("{oops".getBytes());
        Files.write(f, b.array());
        CheckpointException e = assertThrows(CheckpointException.class, () -> StateDict.load(f));
        assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
    }

    @Test
    void torchWriterRoundTripsThroughTheReader() {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        t.put("block.0.weight", HostTensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("mask", HostTensor.of(new long[] {8, 4, 2, 1}, 4));
        t.put("scalar", HostTensor.of(new float[] {0.5f}));
        t.put("bf", bf16(2f, -3f));
        Path f = tmp.resolve("sd.pth");
        TorchCheckpointWriter.writeStateDict(f, t);
        StateDict sd = StateDict.load(f);
        assertEquals(List.copyOf(t.keySet()), List.copyOf(sd.keys()));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, sd.get("block.0.weight").toFloatArray());
        assertArrayEquals(new long[] {8, 4, 2, 1}, sd.get("mask").toLongArray());
        assertArrayEquals(new long[] {}, sd.get("scalar").shape());
        assertEquals(DType.BFLOAT16, sd.get("bf").dtype());
        assertArrayEquals(new float[] {2f, -3f}, sd.get("bf").toFloatArray());
    }

    @Test
    void npyRoundTrip() {
        Path f = tmp.resolve("x.npy");
        Npy.write(f, HostTensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
        HostTensor back = Npy.read(f);
        assertEquals(DType.FLOAT64, back.dtype());
        assertArrayEquals(new long[] {3, 2}, back.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, back.toDoubleArray());
        Npy.write(f, HostTensor.of(new int[] {42}));
        assertArrayEquals(new long[] {}, Npy.read(f).shape());
        assertEquals(42, Npy.read(f).toLongArray()[0]);
    }

    @Test
    void halfConversionsAreExact() {
        assertEquals(1.0f, Half.toFloat((short) 0x3c00));
        assertEquals(-2.0f, Half.toFloat((short) 0xc000));
        assertEquals(5.9604645e-8f, Half.toFloat((short) 0x0001)); // smallest subnormal
        assertEquals(65504f, Half.toFloat((short) 0x7bff));
        assertTrue(Float.isNaN(Half.toFloat((short) 0x7e00)));
        // bf16 rounding: nearest, ties to even
        assertEquals((short) 0x3f80, Half.toBFloat16Bits(1.0f));
        assertEquals((short) 0x3f80, Half.toBFloat16Bits(Float.intBitsToFloat(0x3f808000))); // tie → even (down)
        assertEquals((short) 0x3f82, Half.toBFloat16Bits(Float.intBitsToFloat(0x3f818000))); // tie → even (up)
        assertEquals((short) 0x3f81, Half.toBFloat16Bits(Float.intBitsToFloat(0x3f808001)));
    }
}
