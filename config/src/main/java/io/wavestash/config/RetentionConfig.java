package io.wavestash.config;

import java.time.Duration;

/**
 * What the ingest daemon deletes to keep a device from filling up: whole sessions, oldest first, never one that
 * is still being recorded or not yet stored, never one overlapping a protected range.
 *
 * @param maxAge sessions that ended longer ago than this are deleted; null keeps them by age
 * @param minFreeBytes below this much free space in the store, the oldest sessions are deleted; 0 for none
 * @param checkSeconds how often the daemon checks
 */
public record RetentionConfig(Duration maxAge, long minFreeBytes, int checkSeconds) {
    public static RetentionConfig none() {
        return new RetentionConfig(null, 0, 60);
    }

    public boolean active() {
        return maxAge != null || minFreeBytes > 0;
    }
}
