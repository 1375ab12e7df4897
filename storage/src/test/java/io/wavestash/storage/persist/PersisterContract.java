package io.wavestash.storage.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every persister must do; one subclass per implementation. */
public abstract class PersisterContract {
    protected RandomAccessPersister persister;

    protected abstract RandomAccessPersister create() throws IOException;

    @BeforeEach
    void open() throws IOException {
        persister = create();
    }

    @AfterEach
    void close() throws IOException {
        persister.close();
    }

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writeReplacesWholeObjects() throws IOException {
        persister.write("a/b/c.pcm", bytes("first version"));
        persister.write("a/b/c.pcm", bytes("second"));
        assertThat(new String(persister.read("a/b/c.pcm"), StandardCharsets.UTF_8))
                .isEqualTo("second");
        assertThat(persister.size("a/b/c.pcm")).isEqualTo(6);
    }

    @Test
    void readsAtAnOffset() throws IOException {
        persister.write("x", bytes("0123456789"));
        ByteBuffer dst = ByteBuffer.allocate(4);
        assertThat(persister.read("x", 3, dst)).isEqualTo(4);
        assertThat(new String(dst.array(), StandardCharsets.UTF_8)).isEqualTo("3456");
        ByteBuffer tail = ByteBuffer.allocate(10);
        assertThat(persister.read("x", 8, tail)).isEqualTo(2);
    }

    @Test
    void aTransferToAChannelThatIsNotAFileGivesTheBytesAReadGives() throws IOException {
        byte[] object = new byte[(5 << 20) / 2 + 77];
        new java.util.Random(5).nextBytes(object);
        persister.write("t/x.pcm", ByteBuffer.wrap(object));
        for (long[] range : new long[][] {
            {0, object.length},
            {3, object.length - 3},
            {1, (1 << 20) - 1},
            {(1 << 20) + 9, 1 << 20},
            {object.length - 5, 5},
            {object.length - 5, 500}
        }) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            long n = persister.transferTo("t/x.pcm", range[0], range[1], java.nio.channels.Channels.newChannel(out));
            int to = (int) Math.min(object.length, range[0] + range[1]);
            assertThat(n).as("bytes %s..+%s", range[0], range[1]).isEqualTo(to - range[0]);
            assertThat(out.toByteArray())
                    .as("bytes %s..+%s", range[0], range[1])
                    .isEqualTo(java.util.Arrays.copyOfRange(object, (int) range[0], to));
        }
    }

    @Test
    void missingObjectsAreNamed() throws IOException {
        assertThat(persister.size("nope")).isEqualTo(-1);
        assertThatThrownBy(() -> persister.read("nope/key"))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nope/key");
        assertThat(persister.delete("nope")).isFalse();
    }

    @Test
    void listsByPrefix() throws IOException {
        persister.write("s1/a", bytes("1"));
        persister.write("s1/b/c", bytes("22"));
        persister.write("s10/a", bytes("333"));
        persister.write("s2/a", bytes("4444"));
        List<String> keys = new ArrayList<>();
        persister.list("s1/", o -> keys.add(o.key() + ":" + o.size()));
        assertThat(keys).containsExactlyInAnyOrder("s1/a:1", "s1/b/c:2");
        keys.clear();
        persister.list("s1", o -> keys.add(o.key()));
        assertThat(keys).containsExactlyInAnyOrder("s1/a", "s1/b/c", "s10/a");
        keys.clear();
        persister.list("", o -> keys.add(o.key()));
        assertThat(keys).hasSize(4);
    }

    @Test
    void deletes() throws IOException {
        persister.write("d/x", bytes("1"));
        assertThat(persister.delete("d/x")).isTrue();
        assertThat(persister.size("d/x")).isEqualTo(-1);
        List<String> keys = new ArrayList<>();
        persister.list("", o -> keys.add(o.key()));
        assertThat(keys).isEmpty();
    }

    /** Whether objects other than the store's logs can be written in place (files can; object storage cannot). */
    protected boolean writesInPlace() {
        return true;
    }

    @Test
    void logsAreAppendedToAndReadAcrossAppends() throws IOException {
        String log = "@wavestash/index/mic.log";
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            String record = "record " + i + ";";
            assertThat(persister.append(log, bytes(record))).isEqualTo(expected.length());
            expected.append(record);
        }
        assertThat(persister.size(log)).isEqualTo(expected.length());
        assertThat(new String(persister.read(log), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        for (int offset : new int[] {0, 7, 500, expected.length() - 3}) {
            ByteBuffer dst = ByteBuffer.allocate(40);
            int n = persister.read(log, offset, dst);
            String want = expected.substring(offset, Math.min(expected.length(), offset + 40));
            assertThat(n).as("at %d", offset).isEqualTo(want.length());
            assertThat(new String(dst.array(), 0, n, StandardCharsets.UTF_8)).isEqualTo(want);
        }
        List<String> listed = new ArrayList<>();
        persister.list("@wavestash/", o -> listed.add(o.key() + ":" + o.size()));
        assertThat(listed).containsExactly(log + ":" + expected.length());
        persister.write(log, bytes("fresh"));
        assertThat(persister.append(log, bytes("+1"))).isEqualTo(5);
        assertThat(new String(persister.read(log), StandardCharsets.UTF_8)).isEqualTo("fresh+1");
        assertThat(persister.delete(log)).isTrue();
        assertThat(persister.size(log)).isEqualTo(-1);
    }

    @Test
    void writesInPlaceAndAppends() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(writesInPlace(), "this persister writes objects whole");
        persister.writeAt("seg", 4, bytes("4567"));
        persister.writeAt("seg", 0, bytes("0123"));
        assertThat(persister.append("seg", bytes("89"))).isEqualTo(8);
        assertThat(new String(persister.read("seg"), StandardCharsets.UTF_8)).isEqualTo("0123456789");
        persister.truncate("seg", 5);
        assertThat(persister.size("seg")).isEqualTo(5);
        persister.sync();
    }

    @Test
    void neverReachesOutsideItsRoot() {
        for (String key :
                List.of("../escape", "/etc/passwd", "a/../../escape", "a//b", "./a", "a/./b", "a\\..\\b", "", "a/")) {
            assertThatThrownBy(() -> persister.write(key, bytes("x")))
                    .as(key)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> persister.writeAt(key, 0, bytes("x")))
                    .as(key)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> persister.read(key)).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> persister.delete(key)).as(key).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> persister.list("../", o -> {})).isInstanceOf(IllegalArgumentException.class);
    }
}
