package io.wavestash.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} arguments of the bench programs, each read once with its default. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value, got '" + args[i] + "'");
            }
            if (values.put(args[i].substring(2), args[++i]) != null) {
                throw new IllegalArgumentException("repeated " + args[i - 1]);
            }
        }
    }

    String text(String name, String otherwise) {
        String v = values.get(name);
        if (v == null && otherwise == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return v == null ? otherwise : v;
    }

    int integer(String name, int otherwise) {
        return parse(name, text(name, Integer.toString(otherwise)));
    }

    /** A positive integer that must be given. */
    int positive(String name) {
        int v = parse(name, text(name, null));
        if (v <= 0) {
            throw new IllegalArgumentException("--" + name + " must be positive, got " + v);
        }
        return v;
    }

    private static int parse(String name, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not an integer: '" + text + "'");
        }
    }
}
