package io.wavestash.storage.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wavestash.storage.SensorId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class KeyTemplateTest {
    static final List<String> TEMPLATES = List.of(
            "{sensor}/{session}/{block:014d}.pcm",
            "{sensor}/{session:ms}/{block}",
            "{session}/data/{sensor}/data/{block}",
            "{device}/{sensor}/{session:yyyy}/{session:MM}/{session:dd}/{session:iso}/{block:020d}.wav",
            "audio/{session:yyyy}-{session:MM}/{sensor}={session:us}_{block:012d}.seg",
            "{device}/{sensor}/{session:yyyy}{session:MM}{session:dd}/{session:HH}/{session}/{block:016d}");

    @Property(tries = 3000)
    void everyValidKeyRoundTrips(@ForAll("templates") String text, @ForAll("keys") ChunkKey key) {
        KeyTemplate template = KeyTemplate.of(text);
        long session =
                text.contains("{session:ms}") ? key.sessionEpochMicros() / 1000 * 1000 : key.sessionEpochMicros();
        ChunkKey typed = new ChunkKey(template.hasDevice() ? key.device() : null, key.sensor(), session, key.block());
        String formatted = template.format(typed);
        assertThat(template.parse(formatted)).isEqualTo(typed);
        assertThat(formatted).doesNotStartWith("/").doesNotContain("//").doesNotContain("/../");
    }

    @Property(tries = 500)
    void keysOfOneSensorSortInTimeOrder(
            @ForAll("templates") String text,
            @ForAll("keys") ChunkKey a,
            @ForAll @LongRange(min = 0, max = 1L << 40) long laterMicros,
            @ForAll @LongRange(min = 0, max = 10_000_000_000L) long laterBlock) {
        KeyTemplate template = KeyTemplate.of(text);
        long session = text.contains("{session:ms}") ? a.sessionEpochMicros() / 1000 * 1000 : a.sessionEpochMicros();
        long step = text.contains("{session:ms}") ? laterMicros / 1000 * 1000 : laterMicros;
        String device = template.hasDevice() ? a.device() : null;
        long block = a.block() % 100_000_000_000L; // within the narrowest padding (12 digits)
        ChunkKey first = new ChunkKey(device, a.sensor(), session, block);
        ChunkKey sameSessionLater = new ChunkKey(device, a.sensor(), session, block + laterBlock + 1);
        ChunkKey laterSession = new ChunkKey(
                device, a.sensor(), Math.min(session + step + (step == 0 ? 1000 : 0), 253_402_300_799_000_000L), 0);
        List<String> keys = new ArrayList<>(
                List.of(template.format(laterSession), template.format(sameSessionLater), template.format(first)));
        Collections.sort(keys);
        assertThat(keys.get(0)).isEqualTo(template.format(first));
        assertThat(keys).last().isEqualTo(template.format(laterSession));
    }

    @Provide
    Arbitrary<String> templates() {
        return Arbitraries.of(TEMPLATES);
    }

    @Provide
    Arbitrary<ChunkKey> keys() {
        Arbitrary<String> names = Arbitraries.strings()
                .withChars("abcXYZ019._-")
                .ofMinLength(1)
                .ofMaxLength(64)
                .filter(s -> !s.equals(".") && !s.equals(".."));
        Arbitrary<Long> sessions = Arbitraries.longs().between(0, 4_102_444_800_000_000L);
        Arbitrary<Long> blocks = Arbitraries.longs().between(0, 99_999_999_999_999L);
        return Combinators.combine(names, names, sessions, blocks)
                .as((d, s, t, b) -> new ChunkKey(d, SensorId.of(s), t, b));
    }

    @Test
    void unknownFieldIsNamed() {
        assertThatThrownBy(() -> KeyTemplate.of("{sensor}/{sesion}/{block}"))
                .hasMessageContaining("unknown field {sesion}");
        assertThatThrownBy(() -> KeyTemplate.of("{sensor}/{session:yy}/{block}"))
                .hasMessageContaining("{session:yy}");
    }

    @Test
    void ambiguousTemplatesAreRefused() {
        assertThatThrownBy(() -> KeyTemplate.of("{sensor}{session}/{block}")).hasMessageContaining("ambiguous");
        assertThatThrownBy(() -> KeyTemplate.of("{sensor}.{session}/{block}")).hasMessageContaining("ambiguous");
        assertThatThrownBy(() -> KeyTemplate.of("{sensor}/{session}{block}")).hasMessageContaining("ambiguous");
        assertThatThrownBy(() -> KeyTemplate.of("{sensor}/{session}/{block}/{block}"))
                .hasMessageContaining("exactly once");
        assertThatThrownBy(() -> KeyTemplate.of("{sensor}/{session:yyyy}/{block}"))
                .hasMessageContaining("full {session}");
        assertThatThrownBy(() -> KeyTemplate.of("{sensor}/{session:HH}/{session}/{block}"))
                .hasMessageContaining("{session:HH} needs");
    }

    @Test
    void templatesCannotEscapeTheRoot() {
        assertThatThrownBy(() -> KeyTemplate.of("/{sensor}/{session}/{block}")).hasMessageContaining("relative path");
        assertThatThrownBy(() -> KeyTemplate.of("../{sensor}/{session}/{block}"))
                .hasMessageContaining("relative path");
        assertThatThrownBy(() -> KeyTemplate.of("{sensor}//{session}/{block}")).hasMessageContaining("relative path");
    }

    @Test
    void keysThatDoNotMatchAreNamed() {
        KeyTemplate t = KeyTemplate.of("{sensor}/{session}/{block:014d}.pcm");
        assertThatThrownBy(() -> t.parse("mic/123/00000000000000.pcm"))
                .hasMessageContaining("'mic/123/00000000000000.pcm'");
        assertThatThrownBy(() -> t.parse("../etc/passwd")).hasMessageContaining("'../etc/passwd'");
        assertThatThrownBy(() -> t.parse("./0001763625600000000/00000000000000.pcm"))
                .hasMessageContaining("'./0001763625600000000/00000000000000.pcm'");
        assertThatThrownBy(() -> t.parse("mic/1763625600000000/0000000000000.pcm"))
                .hasMessageContaining("padded");
    }

    @Test
    void hostileSensorIdsNeverReachAKey() {
        for (String bad : List.of(
                "..", ".", "a/b/c", "/abs", "a/", "../b", "a/..", "a\\b", "", "x".repeat(65), "new\nline", "é")) {
            assertThatThrownBy(() -> SensorId.of(bad)).as(bad).hasMessageContaining("sensor id");
        }
        SensorId qualified = SensorId.of("edge-1/mic"); // how a reader names a sensor of a device
        assertThat(qualified.device()).isEqualTo("edge-1");
        assertThat(qualified.local()).isEqualTo(SensorId.of("mic"));
        KeyTemplate t = KeyTemplate.of("{device}/{sensor}/{session}/{block}");
        assertThatThrownBy(() -> t.format(new ChunkKey("edge-1", qualified, 0, 0)))
                .hasMessageContaining("sensor 'edge-1/mic' names a device");
        // a device's part of a shared store is listed under its own prefix
        assertThat(t.devicePrefix("edge-1")).isEqualTo("edge-1/");
        assertThat(KeyTemplate.of("site/{device}/rec/{sensor}/{session}/{block}")
                        .devicePrefix("b"))
                .isEqualTo("site/b/rec/");
        assertThat(KeyTemplate.of("{sensor}/{session}/{block}").devicePrefix(null))
                .isEmpty();
    }

    @Test
    void sessionKeySitsBesideTheChunks() {
        KeyTemplate t = KeyTemplate.of("{session}/data/{sensor}/data/{block}");
        ChunkKey k = new ChunkKey(null, SensorId.of("mic"), 1_763_625_600_000_000L, 4096);
        assertThat(t.format(k)).isEqualTo("1763625600000000/data/mic/data/00000000004096");
        assertThat(t.sessionKey(k, "session.json")).isEqualTo("1763625600000000/data/mic/data/session.json");
    }

    @Test
    void millisecondTemplatesRefuseMicrosecondSessions() {
        KeyTemplate t = KeyTemplate.of("{sensor}/{session:ms}/{block}");
        assertThatThrownBy(() -> t.format(new ChunkKey(null, SensorId.of("m"), 1_000_001L, 0)))
                .hasMessageContaining("whole milliseconds");
    }
}
