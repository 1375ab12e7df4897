package io.wavestash.config;

/** What a source does when the ring is full. */
public enum Backpressure {
    /** Wait for room (files: nothing is lost, capture slows down). */
    BLOCK,
    /** Never wait: the chunk is dropped and recorded as a dropout (live microphones). */
    DROP
}
