package io.wavestash.ingest.audio;

/** An audio device that is missing, ambiguous, or cannot take the wanted format; the message says which. */
public final class AudioDeviceException extends IllegalArgumentException {
    public AudioDeviceException(String message) {
        super(message);
    }
}
