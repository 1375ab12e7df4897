package io.wavestash.config;

import java.util.List;

/** A configuration that cannot be used; the message lists every problem with its location. */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem on its own, in the form {@code source:line:column: field: message}. */
    public List<String> problems() {
        return problems;
    }
}
