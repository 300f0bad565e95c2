package dev.infinity.workbench.io;

import java.util.Locale;

/** Element types found in checkpoints, .npy files and safetensors, with their names in each format. */
public enum DType {
    FLOAT32(4, "<f4", "F32", "FloatStorage"),
    FLOAT16(2, "<f2", "F16", "HalfStorage"),
    BFLOAT16(2, null, "BF16", "BFloat16Storage"),
    FLOAT64(8, "<f8", "F64", "DoubleStorage"),
    INT64(8, "<i8", "I64", "LongStorage"),
    INT32(4, "<i4", "I32", "IntStorage"),
    INT16(2, "<i2", "I16", "ShortStorage"),
    INT8(1, "|i1", "I8", "CharStorage"),
    UINT8(1, "|u1", "U8", "ByteStorage"),
    UINT16(2, "<u2", "U16", null),
    BOOL(1, "|b1", "BOOL", "BoolStorage");

    /** Bytes per element. */
    public final int size;
    final String npyDescr;
    final String safetensorsName;
    final String torchStorage;

    DType(int size, String npyDescr, String safetensorsName, String torchStorage) {
        this.size = size;
        this.npyDescr = npyDescr;
        this.safetensorsName = safetensorsName;
        this.torchStorage = torchStorage;
    }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT16 || this == BFLOAT16 || this == FLOAT64;
    }

    /** numpy-style lower-case name ("float32", "bfloat16", ...). */
    public String pyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DType fromNpy(String descr) {
        if (descr.length() < 3 || descr.charAt(0) == '>') {
            throw new IllegalArgumentException("unsupported .npy dtype '" + descr + "' (big-endian and object arrays are not supported)");
        }
        String body = descr.substring(1); // type char + byte count, e.g. "f4"
        for (DType t : values()) {
            if (t.npyDescr != null && t.npyDescr.substring(1).equals(body)) return t;
        }
        throw new IllegalArgumentException("unsupported .npy dtype '" + descr + "'");
    }

    static DType fromSafetensors(String name) {
        for (DType t : values()) if (name.equals(t.safetensorsName)) return t;
        throw new IllegalArgumentException("unsupported safetensors dtype '" + name + "'");
    }

    static DType fromTorchStorage(String className) {
        for (DType t : values()) if (className.equals(t.torchStorage)) return t;
        return null;
    }

    public static DType fromPyName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
