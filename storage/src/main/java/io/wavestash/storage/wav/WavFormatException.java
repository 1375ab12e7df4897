package io.wavestash.storage.wav;

import java.io.IOException;

/** A file that is not a WAV file wavestash can read; the message says what is wrong with it. */
public final class WavFormatException extends IOException {
    public WavFormatException(String message) {
        super(message);
    }
}
