package io.wavestash.storage.persist;

import static org.assertj.core.api.Assertions.assertThat;

import io.wavestash.config.FsyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPersisterTest extends PersisterContract {
    @TempDir
    Path dir;

    @Override
    protected RandomAccessPersister create() throws IOException {
        return new LocalPersister(dir.resolve("root"), FsyncPolicy.CHUNK);
    }

    @Test
    void leavesNoTemporaryFilesAndNothingOutsideTheRoot() throws IOException {
        persister.write("a/b", bytes("x"));
        persister.writeAt("a/seg", 0, bytes("y"));
        try (Stream<Path> all = Files.walk(dir)) {
            List<String> files = all.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString())
                    .toList();
            assertThat(files).containsExactlyInAnyOrder("root/a/b", "root/a/seg");
        }
    }

    @Test
    void createsMissingDirectoriesAndOpensTheFilesThatExist() throws IOException {
        Path root = dir.resolve("reopened");
        try (LocalPersister first = new LocalPersister(root, FsyncPolicy.BATCH)) {
            first.write("s/1/meta", bytes("m"));
            first.append("s/1/log", bytes("a"));
            first.writeAt("t/2/seg", 2, bytes("z"));
        }
        try (LocalPersister again = new LocalPersister(root, FsyncPolicy.BATCH)) {
            again.append("s/1/log", bytes("b"));
            again.writeAt("t/2/seg", 0, bytes("y"));
            assertThat(again.read("s/1/log")).containsExactly('a', 'b');
            assertThat(again.read("t/2/seg")).containsExactly('y', 0, 'z');

            // a directory removed from outside is made again by the next write into it
            try (Stream<Path> gone = Files.walk(root.resolve("s"))) {
                for (Path p : gone.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            again.write("s/1/meta", bytes("n"));
            again.writeAt("s/1/seg", 0, bytes("x"));
            assertThat(again.read("s/1/meta")).containsExactly('n');
            assertThat(again.read("s/1/seg")).containsExactly('x');
        }
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith(LocalPersister.TEMP_PREFIX));
        }
    }

    @Test
    void listingSkipsInterruptedWrites() throws IOException {
        persister.write("a/b", bytes("x"));
        Files.writeString(dir.resolve("root/a/" + LocalPersister.TEMP_PREFIX + "b-123"), "partial");
        List<String> keys = new ArrayList<>();
        persister.list("", o -> keys.add(o.key()));
        assertThat(keys).containsExactly("a/b");
    }

    @Test
    void everyFsyncPolicyWrites() throws IOException {
        for (FsyncPolicy policy : FsyncPolicy.values()) {
            try (LocalPersister p = new LocalPersister(dir.resolve(policy.name()), policy)) {
                p.write("k", bytes("v"));
                p.append("log", bytes("1"));
                p.sync();
                assertThat(p.read("k")).containsExactly('v');
                assertThat(p.read("log")).containsExactly('1');
            }
        }
    }

    @Test
    void aForcingTakenBeforeItsFilesAreReplacedClosedOrDeletedStillCompletes() throws IOException {
        try (LocalPersister p = new LocalPersister(dir.resolve("batch"), FsyncPolicy.BATCH)) {
            p.append("replaced", bytes("old"));
            p.append("deleted", bytes("gone"));
            p.append("kept", bytes("1"));
            p.write("whole", bytes("w1"));
            Persister.Forcing forcing = p.startSync();

            p.write("replaced", bytes("new")); // closes the channel the forcing took
            p.delete("deleted");
            p.append("kept", bytes("2")); // written after the forcing was taken: left to the next sync
            p.write("whole", bytes("w2")); // replaces a file the forcing took by name
            forcing.force();
            p.sync();

            assertThat(p.read("replaced")).containsExactly("new".getBytes());
            assertThat(p.size("deleted")).isEqualTo(-1);
            assertThat(p.read("kept")).containsExactly("12".getBytes());
            assertThat(p.read("whole")).containsExactly("w2".getBytes());
        }
    }

    @Test
    void writingGoesOnWhileEarlierWritesAreForced() throws Exception {
        try (LocalPersister p = new LocalPersister(dir.resolve("concurrent"), FsyncPolicy.BATCH)) {
            java.util.concurrent.ExecutorService forcer = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                java.util.concurrent.Future<?> last = null;
                for (int i = 0; i < 200; i++) {
                    for (int f = 0; f < 8; f++) {
                        p.append("log" + f, bytes(Character.toString('a' + i % 26)));
                    }
                    if (i % 10 == 0) {
                        if (last != null) {
                            last.get();
                        }
                        Persister.Forcing forcing = p.startSync();
                        last = forcer.submit(() -> {
                            forcing.force();
                            return null;
                        });
                    }
                }
                last.get();
            } finally {
                forcer.shutdown();
            }
            p.sync();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                expected.append((char) ('a' + i % 26));
            }
            for (int f = 0; f < 8; f++) {
                assertThat(new String(p.read("log" + f))).isEqualTo(expected.toString());
            }
        }
    }

    @Test
    void aReadyFileWritesOnlyWhileOpenAndIsForcedBySyncsAfterItsWrites() throws IOException {
        try (LocalPersister p = new LocalPersister(dir.resolve("ready"), FsyncPolicy.BATCH)) {
            Path file = p.root().resolve("seg/a");
            RandomAccessPersister.Ready ready = p.ready("seg/a");
            assertThat(ready.writeAt(0, bytes("x"))).as("not prepared").isFalse();
            assertThat(p.size("seg/a")).isEqualTo(-1);

            p.prepare("seg/a");
            p.sync();
            assertThat(p.toForce()).isEmpty();
            assertThat(ready.writeAt(0, bytes("ab"))).isTrue();
            assertThat(p.toForce()).containsExactly(file);

            Persister.Forcing first = p.startSync(); // takes the file
            assertThat(p.toForce()).isEmpty();
            assertThat(ready.writeAt(2, bytes("cd"))).isTrue();
            assertThat(p.toForce()).as("written after the sync took it").containsExactly(file);
            first.force();
            p.sync();
            assertThat(ready.writeAt(4, bytes("ef"))).isTrue();
            assertThat(p.toForce()).containsExactly(file);
            assertThat(p.read("seg/a")).containsExactly("abcdef".getBytes());

            p.delete("seg/a"); // closes its channel
            assertThat(ready.writeAt(0, bytes("zz"))).as("deleted").isFalse();
            assertThat(p.size("seg/a")).isEqualTo(-1);
            p.prepare("seg/a");
            assertThat(ready.writeAt(0, bytes("new"))).isTrue();
            assertThat(p.read("seg/a")).containsExactly("new".getBytes());
        }
    }
}
