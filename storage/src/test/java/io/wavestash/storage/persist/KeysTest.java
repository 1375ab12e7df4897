package io.wavestash.storage.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

class KeysTest {
    /** The rule as it reads: a relative path of '/'-separated names, none empty, '.' or '..', no control chars. */
    private static boolean safeByTheRule(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("\\")) {
            return false;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return key.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    @Property(tries = 3000)
    void acceptsExactlyTheKeysTheRuleAllows(
            @ForAll
                    @StringLength(max = 12)
                    @Chars({'a', '.', '/', '\\', '\u0001', '\u007f'})
                    @CharRange(from = 'x', to = 'z')
                    String key) {
        if (safeByTheRule(key)) {
            assertThat(Keys.requireSafe(key)).isEqualTo(key);
        } else {
            assertThatThrownBy(() -> Keys.requireSafe(key))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key");
        }
    }

    @Property(tries = 500)
    void prefixesMayEndAtASlashButNotEscape(
            @ForAll @StringLength(min = 1, max = 10) @Chars({'a', '.', '/'}) String prefix) {
        String asKey = prefix.endsWith("/") ? prefix + "x" : prefix;
        if (safeByTheRule(asKey)) {
            assertThat(Keys.requireSafePrefix(prefix)).isEqualTo(prefix);
        } else {
            assertThatThrownBy(() -> Keys.requireSafePrefix(prefix)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
