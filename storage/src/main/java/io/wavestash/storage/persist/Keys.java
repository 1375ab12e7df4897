package io.wavestash.storage.persist;

/** Checks that a key is a safe relative path. */
public final class Keys {
    private Keys() {}

    /** Returns the key, or throws naming it when it is empty, absolute, or has empty, '.' or '..' segments. */
    public static String requireSafe(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("empty key");
        }
        if (key.startsWith("/") || key.endsWith("/") || key.contains("\\")) {
            throw new IllegalArgumentException("key '" + key + "' must be a relative path of '/'-separated names");
        }
        // every write and read of a chunk checks its key: a scan, allocating nothing
        for (int start = 0, end; start <= key.length(); start = end + 1) {
            end = key.indexOf('/', start);
            if (end < 0) {
                end = key.length();
            }
            if (end == start
                    || key.charAt(start) == '.'
                            && (end == start + 1 || end == start + 2 && key.charAt(start + 1) == '.')) {
                throw new IllegalArgumentException("key '" + key + "' has an empty, '.' or '..' segment");
            }
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(
                        "key '" + key.replaceAll("\\p{Cntrl}", "?") + "' has a control character");
            }
        }
        return key;
    }

    /** Prefixes need not end at a segment boundary, but may not escape either. */
    public static String requireSafePrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        requireSafe(prefix.endsWith("/") ? prefix + "x" : prefix);
        return prefix;
    }
}
