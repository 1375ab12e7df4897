package io.wavestash.bench;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** A channel that takes every byte and keeps none: a window's cost without the cost of writing it out. */
public final class Discard implements WritableByteChannel {
    private long bytes;

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        src.position(src.limit());
        bytes += n;
        return n;
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {}
}
