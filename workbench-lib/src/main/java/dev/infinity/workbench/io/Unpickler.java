package dev.infinity.workbench.io;

import dev.infinity.workbench.io.PyObjects.PyGlobal;
import dev.infinity.workbench.io.PyObjects.PyInstance;
import dev.infinity.workbench.io.PyObjects.PyOrderedDict;
import dev.infinity.workbench.io.PyObjects.PyTuple;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A restricted pickle reader: the opcodes of protocols 0–5 that {@code torch.save} and plain Python
 * containers produce, and no code execution. Classes are never imported: known globals
 * (OrderedDict, torch tensor/parameter rebuild functions, storage types) are interpreted here, any
 * other class becomes a {@link PyInstance} record.
 */
final class Unpickler {
    /** Resolves a persistent id (torch storage reference) to a Java object. */
    interface PersistentLoader extends Function<Object, Object> {}

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final String source;
    private final PersistentLoader persistentLoader;
    /** False for a structural pass that only finds where the pickle ends (tensor records become null). */
    private boolean rebuildTensors = true;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    Unpickler(ByteBuffer in, String source, PersistentLoader persistentLoader) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.persistentLoader = persistentLoader;
    }

    /** Thrown for malformed or unsupported pickles; the message names the opcode and its offset. */
    static final class PickleException extends RuntimeException {
        PickleException(String message) { super(message); }
    }

    private PickleException error(String what) {
        return new PickleException(source + ": " + what + " at byte " + Math.max(0, in.position() - 1));
    }

    /** Parses without rebuilding tensors and returns the position just after STOP. */
    int skip() {
        rebuildTensors = false;
        load();
        return in.position();
    }

    Object load() {
        while (true) {
            if (!in.hasRemaining()) throw error("unexpected end of pickle data (missing STOP)");
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> u8(); // PROTO
                case 0x95 -> in.getLong(); // FRAME: length, ignored (we read sequentially)
                case '.' -> { // STOP
                    Object v = pop();
                    return v;
                }
                case '(' -> { marks.add(stack.size()); stack.add(MARK); } // MARK
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case ')' -> push(new PyTuple()); // EMPTY_TUPLE
                case 0x8f -> push(new HashSet<>()); // EMPTY_SET
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) in.getInt()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (in.getShort() & 0xffff)); // BININT2
                case 0x8a -> push(readLong(u8())); // LONG1
                case 0x8b -> push(readLong(checkedLength(in.getInt()))); // LONG4
                case 'I' -> push(parseIntLine(readLine())); // INT (protocol 0)
                case 'L' -> push(parseLongLine(readLine())); // LONG (protocol 0)
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT is big-endian
                case 'F' -> push(Double.parseDouble(readLine())); // FLOAT (protocol 0)
                case 'X' -> push(readString(checkedLength(in.getInt()))); // BINUNICODE
                case 0x8c -> push(readString(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(readString(checkedLength(in.getLong()))); // BINUNICODE8
                case 'V' -> push(readLine()); // UNICODE (protocol 0, raw-unicode-escape approximated)
                case 'T' -> push(readBytesAsLatin1(checkedLength(in.getInt()))); // BINSTRING
                case 'U' -> push(readBytesAsLatin1(u8())); // SHORT_BINSTRING
                case 'B' -> push(readBytes(checkedLength(in.getInt()))); // BINBYTES
                case 'C' -> push(readBytes(u8())); // SHORT_BINBYTES
                case 0x8e -> push(readBytes(checkedLength(in.getLong()))); // BINBYTES8
                case 0x96 -> push(readBytes(checkedLength(in.getLong()))); // BYTEARRAY8
                case 't' -> { List<Object> items = popMark(); push(new PyTuple(items.toArray())); } // TUPLE
                case 0x85 -> push(new PyTuple(pop())); // TUPLE1
                case 0x86 -> { Object b = pop(), a = pop(); push(new PyTuple(a, b)); } // TUPLE2
                case 0x87 -> { Object c = pop(), b = pop(), a = pop(); push(new PyTuple(a, b, c)); } // TUPLE3
                case 'l' -> push(new ArrayList<>(popMark())); // LIST
                case 'd' -> { // DICT
                    List<Object> items = popMark();
                    Map<Object, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i + 1 < items.size(); i += 2) m.put(items.get(i), items.get(i + 1));
                    push(m);
                }
                case 'a' -> { Object v = pop(); asList(peek()).add(v); } // APPEND
                case 'e' -> { List<Object> items = popMark(); asList(peek()).addAll(items); } // APPENDS
                case 's' -> { Object v = pop(), k = pop(); asMap(peek()).put(k, v); } // SETITEM
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    Map<Object, Object> m = asMap(peek());
                    for (int i = 0; i + 1 < items.size(); i += 2) m.put(items.get(i), items.get(i + 1));
                }
                case 0x90 -> { List<Object> items = popMark(); asSet(peek()).addAll(items); } // ADDITEMS
                case 0x91 -> push(new HashSet<>(popMark())); // FROZENSET
                case 'q' -> memo.put((long) u8(), peek()); // BINPUT
                case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek()); // LONG_BINPUT
                case 'p' -> memo.put(Long.parseLong(readLine()), peek()); // PUT
                case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(in.getInt() & 0xffffffffL)); // LONG_BINGET
                case 'g' -> push(memoGet(Long.parseLong(readLine()))); // GET
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'c' -> { String module = readLine(); String name = readLine(); push(new PyGlobal(module, name)); } // GLOBAL
                case 0x93 -> { Object name = pop(), module = pop(); push(new PyGlobal(str(module), str(name))); } // STACK_GLOBAL
                case 'R' -> { Object args = pop(), callable = pop(); push(call(callable, asTuple(args))); } // REDUCE
                case 0x81 -> { Object args = pop(), cls = pop(); push(call(cls, asTuple(args))); } // NEWOBJ
                case 0x92 -> { pop(); Object args = pop(), cls = pop(); push(call(cls, asTuple(args))); } // NEWOBJ_EX
                case 'b' -> { Object state = pop(); build(peek(), state); } // BUILD
                case 'Q' -> push(persistentLoader.apply(pop())); // BINPERSID
                case 'P' -> push(persistentLoader.apply(readLine())); // PERSID
                default -> throw error(String.format("unsupported pickle opcode 0x%02x", op));
            }
        }
    }

    private int u8() { return in.get() & 0xff; }

    private int checkedLength(long n) {
        if (n < 0 || n > in.remaining()) throw error("length " + n + " runs past the end of the pickle");
        return (int) n;
    }

    private Object readLong(int n) {
        checkedLength(n);
        byte[] le = new byte[n];
        in.get(le);
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = n == 0 ? BigInteger.ZERO : new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String readLine() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) throw error("unterminated text line");
            byte b = in.get();
            if (b == '\n') return sb.toString();
            sb.append((char) (b & 0xff));
        }
    }

    private static Object parseIntLine(String s) {
        if (s.equals("00")) return Boolean.FALSE;
        if (s.equals("01")) return Boolean.TRUE;
        return Long.parseLong(s);
    }

    private static Object parseLongLine(String s) {
        String t = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        BigInteger v = new BigInteger(t);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String readString(int n) {
        checkedLength(n);
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String readBytesAsLatin1(int n) {
        checkedLength(n);
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private byte[] readBytes(int n) {
        checkedLength(n);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private void push(Object o) { stack.add(o); }

    private Object pop() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw error("stack underflow");
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw error("stack underflow");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw error("no MARK on the stack");
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Object memoGet(long key) {
        if (!memo.containsKey(key)) throw error("memo key " + key + " was never stored");
        return memo.get(key);
    }

    private static String str(Object o) { return String.valueOf(o); }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o) {
        if (o instanceof List<?> l && !(o instanceof PyTuple)) return (List<Object>) l;
        throw error("APPEND to a non-list (" + typeName(o) + ")");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw error("SETITEM on a non-dict (" + typeName(o) + ")");
    }

    @SuppressWarnings("unchecked")
    private Set<Object> asSet(Object o) {
        if (o instanceof Set<?> s) return (Set<Object>) s;
        throw error("ADDITEMS on a non-set (" + typeName(o) + ")");
    }

    private PyTuple asTuple(Object o) {
        if (o instanceof PyTuple t) return t;
        throw error("call arguments are not a tuple (" + typeName(o) + ")");
    }

    private static String typeName(Object o) { return o == null ? "None" : o.getClass().getSimpleName(); }

    /** The only "calls" a checkpoint needs; everything else becomes an inert record. */
    private Object call(Object callable, PyTuple args) {
        if (!(callable instanceof PyGlobal g)) throw error("call of a non-class object (" + typeName(callable) + ")");
        String q = g.qualifiedName();
        switch (q) {
            case "collections.OrderedDict": {
                PyOrderedDict d = new PyOrderedDict();
                if (!args.isEmpty() && args.get(0) instanceof List<?> pairs) {
                    for (Object p : pairs) {
                        if (p instanceof List<?> kv && kv.size() == 2) d.put(kv.get(0), kv.get(1));
                    }
                }
                return d;
            }
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor":
                return rebuildTensors ? TorchStorage.rebuildTensor(args, this::error) : null;
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state": {
                if (!rebuildTensors) return null;
                HostTensor t = (HostTensor) args.get(0);
                return t.asParameter(Boolean.TRUE.equals(args.get(1)));
            }
            case "torch._tensor._rebuild_from_type_v2": // (func, type, args, state): rebuild with func
                return call(args.get(0), asTuple(args.get(2)));
            case "_codecs.encode": // protocol-2 bytes: _codecs.encode(str, 'latin1')
                return str(args.get(0)).getBytes(StandardCharsets.ISO_8859_1);
            case "builtins.set":
            case "__builtin__.set":
                return new HashSet<>(args.isEmpty() ? List.of() : (List<?>) args.get(0));
            case "builtins.frozenset":
                return new HashSet<>(args.isEmpty() ? List.of() : (List<?>) args.get(0));
            default:
                return new PyInstance(g, new ArrayList<>(args));
        }
    }

    private void build(Object target, Object state) {
        if (target instanceof PyOrderedDict d) {
            // OrderedDict state is (dict_state, slots) or a dict of attributes
            if (state instanceof Map<?, ?> m) d.setAttributes(m);
            else if (state instanceof PyTuple t && !t.isEmpty() && t.get(0) instanceof Map<?, ?> m) d.setAttributes(m);
        } else if (target instanceof PyInstance inst) {
            inst.setState(state);
        } else if (target instanceof HostTensor || target instanceof Map<?, ?>) {
            // tensor hooks / dict subclass state: nothing to keep
        } else {
            throw error("BUILD on " + typeName(target));
        }
    }
}
