package io.wavestash.storage.key;

/** A template that cannot be used, or a key or value that does not fit a template. */
public final class TemplateException extends IllegalArgumentException {
    public TemplateException(String message) {
        super(message);
    }
}
