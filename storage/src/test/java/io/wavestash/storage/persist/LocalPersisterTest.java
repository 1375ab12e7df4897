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
}
