package io.wavestash.ingest.journal;

import com.lmax.disruptor.EventHandler;
import io.wavestash.ingest.IngestStats;
import io.wavestash.ingest.ring.ChunkEvent;

/** The ring's handler: appends every event to the journal, which acknowledges it. */
public final class JournalHandler implements EventHandler<ChunkEvent> {
    private final Journal journal;
    private final IngestStats stats;

    public JournalHandler(Journal journal, IngestStats stats) {
        this.journal = journal;
        this.stats = stats;
    }

    @Override
    public void onEvent(ChunkEvent event, long sequence, boolean endOfBatch) {
        journal.append(event);
        if (event.kind() == ChunkEvent.Kind.CHUNK) {
            stats.journaled(event.sensor(), event.length());
        } else if (event.kind() == ChunkEvent.Kind.DROPOUT) {
            stats.dropout(event.sensor(), event.blockEnd() - event.block());
        }
    }
}
