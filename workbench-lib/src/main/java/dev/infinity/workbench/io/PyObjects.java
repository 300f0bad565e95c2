package dev.infinity.workbench.io;

import java.util.AbstractList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Python values a checkpoint pickle can hold, as Java objects.
 *
 * <p>Mapping: None → null, bool → Boolean, int → Long (BigInteger when larger), float → Double,
 * str → String, bytes → byte[], list → ArrayList, dict → LinkedHashMap, OrderedDict → {@link PyOrderedDict},
 * tuple → {@link PyTuple}, tensor / Parameter → {@link HostTensor}, any other class → {@link PyInstance}.
 */
public final class PyObjects {
    private PyObjects() {}

    /** An immutable Python tuple. */
    public static final class PyTuple extends AbstractList<Object> {
        private final Object[] items;

        public PyTuple(Object... items) { this.items = items.clone(); }
        @Override public Object get(int i) { return items[i]; }
        @Override public int size() { return items.length; }
    }

    /** {@code collections.OrderedDict}; {@code metadata} is the state dict's {@code _metadata} attribute when pickled. */
    public static final class PyOrderedDict extends LinkedHashMap<Object, Object> {
        private Object metadata;
        private boolean hasMetadata;

        public Object metadata() { return metadata; }
        public boolean hasMetadata() { return hasMetadata; }

        void setAttributes(Map<?, ?> attrs) {
            if (attrs.containsKey("_metadata")) {
                metadata = attrs.get("_metadata");
                hasMetadata = true;
            }
        }
    }

    /** A reference to a Python class or function ({@code module.name}) found in a pickle. */
    public record PyGlobal(String module, String name) {
        public String qualifiedName() { return module + "." + name; }
    }

    /**
     * An instance of a class the reader does not model (e.g. {@code argparse.Namespace}), kept with its
     * constructor arguments and its state so nothing is lost.
     */
    public static final class PyInstance {
        private final PyGlobal type;
        private final List<Object> args;
        private Object state;

        PyInstance(PyGlobal type, List<Object> args) {
            this.type = type;
            this.args = args;
        }

        public String className() { return type.qualifiedName(); }
        public List<Object> args() { return args; }
        public Object state() { return state; }

        /** The instance's attributes when its state is a dict (as for {@code argparse.Namespace}). */
        @SuppressWarnings("unchecked")
        public Map<Object, Object> attributes() {
            if (state instanceof Map<?, ?> m) return (Map<Object, Object>) m;
            if (state instanceof PyTuple t && t.size() == 2 && t.get(0) instanceof Map<?, ?> m) return (Map<Object, Object>) m;
            return Map.of();
        }

        void setState(Object state) { this.state = state; }

        @Override
        public String toString() { return className() + attributes(); }
    }
}
