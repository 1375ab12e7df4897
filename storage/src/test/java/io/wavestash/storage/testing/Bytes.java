package io.wavestash.storage.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Compares byte arrays and, when they differ, says where instead of printing them. */
public final class Bytes {
    private Bytes() {}

    /** {@code length} bytes of a recording that loops, from byte {@code offset} of the endless stream. */
    public static byte[] looped(byte[] recording, long offset, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = recording[(int) ((offset + i) % recording.length)];
        }
        return out;
    }

    /** The parts one after another. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** 16-bit little-endian samples. */
    public static short[] shortsLe(byte[] le) {
        ByteBuffer b = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[le.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getShort();
        }
        return out;
    }

    public static void assertSame(byte[] actual, byte[] expected, String what) {
        int n = Math.min(actual.length, expected.length);
        for (int i = 0; i < n; i++) {
            if (actual[i] != expected[i]) {
                fail(what + ": first difference at byte " + i + " of " + expected.length + " (actual length "
                        + actual.length + ")");
            }
        }
        if (actual.length != expected.length) {
            fail(what + ": " + actual.length + " bytes, expected " + expected.length);
        }
    }
}
