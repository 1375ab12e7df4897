package io.wavestash.config;

/**
 * A copy of the local store kept in object storage by the ingest daemon.
 *
 * @param target the store the mirror writes (an S3 store, usually with {@code {device}} in its template)
 * @param intervalMillis how long the mirror waits between passes when it has caught up
 */
public record MirrorConfig(StoreConfig target, int intervalMillis) {
    public static final int DEFAULT_INTERVAL_MILLIS = 1000;

    static MirrorConfig read(ConfigNode node, StoreConfig local) {
        if (!node.has("s3")) {
            node.problem("s3", "a mirror needs the bucket to copy to");
        }
        int interval = node.integer("intervalMillis", DEFAULT_INTERVAL_MILLIS, 10, 3_600_000);
        node.known("intervalMillis");
        StoreConfig target = StoreConfigReader.read(node, Backend.S3, local);
        return new MirrorConfig(target, interval);
    }
}
