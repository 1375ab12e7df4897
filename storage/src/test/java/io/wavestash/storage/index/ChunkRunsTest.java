package io.wavestash.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChunkRunsTest {
    /**
     * The first present range a write would overlap is where the merged ranges begin, and within the first of
     * them; there is none exactly when nothing present intersects.
     */
    @Property
    void theFirstPresentRangeStartsTheMergedOnes(
            @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 60) Integer> chunks,
            @ForAll @IntRange(min = 0, max = 700) int from,
            @ForAll @IntRange(min = 1, max = 200) int span) {
        ChunkRuns runs = new ChunkRuns();
        for (int c : chunks) {
            long block = c * 10L;
            if (runs.firstPresent(block, block + 10) == null) {
                runs.add(block, 10);
            }
        }
        List<long[]> merged = runs.presentRanges(from, from + span);
        long[] first = runs.firstPresent(from, from + span);
        if (merged.isEmpty()) {
            assertThat(first).isNull();
        } else {
            assertThat(first).isNotNull();
            assertThat(first[0]).isEqualTo(merged.get(0)[0]);
            assertThat(first[1]).isGreaterThan(first[0]).isLessThanOrEqualTo(merged.get(0)[1]);
        }
    }
}
