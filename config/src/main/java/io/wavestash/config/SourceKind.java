package io.wavestash.config;

/** What a sensor records from. */
public enum SourceKind {
    /** A WAV file read in fixed chunks, standing in for a microphone. */
    WAV,
    /** A synthetic sine tone. */
    TONE,
    /** A javax.sound capture line. */
    MIC
}
