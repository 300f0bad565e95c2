package dev.infinity.workbench.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} / {@code --flag} options and positional arguments of a subcommand. */
public final class Args {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final Set<String> used = new HashSet<>();

    public Args(List<String> raw, Set<String> flags) {
        for (int i = 0; i < raw.size(); i++) {
            String a = raw.get(i);
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) options.put(name.substring(0, eq), name.substring(eq + 1));
                else if (flags.contains(name) || i + 1 >= raw.size() || raw.get(i + 1).startsWith("--")) options.put(name, "true");
                else options.put(name, raw.get(++i));
            } else {
                positional.add(a);
            }
        }
    }

    public List<String> positional() { return positional; }

    public String positional(int i, String what) {
        if (i >= positional.size()) throw new UsageException("missing argument: " + what);
        return positional.get(i);
    }

    public boolean flag(String name) {
        used.add(name);
        return "true".equals(options.get(name));
    }

    public String get(String name, String def) {
        used.add(name);
        return options.getOrDefault(name, def);
    }

    public int getInt(String name, int def) {
        String v = get(name, null);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public double getDouble(String name, double def) {
        String v = get(name, null);
        try {
            return v == null ? def : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    /** Fails on options no getter asked for (typos), call after reading all options. */
    public void rejectUnknown() {
        for (String k : options.keySet()) if (!used.contains(k)) throw new UsageException("unknown option --" + k);
    }

    /** A usage error: printed without a stack trace, exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) { super(message); }
    }
}
