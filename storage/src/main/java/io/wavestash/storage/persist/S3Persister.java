package io.wavestash.storage.persist;

import io.wavestash.config.S3Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3-compatible bucket, under a key prefix. A key maps to the object {@code prefix + key}, so the
 * bucket reads like the key template says. Objects are replaced whole (a PUT is atomic and durable once
 * acknowledged, so {@link #sync()} has nothing to do).
 *
 * <p>Object storage cannot append, so the store's own logs ({@code @wavestash/….log}, the availability index)
 * are kept as numbered pieces: {@code KEY~SEQ.b} holds the object up to piece {@code SEQ} and each later
 * {@code KEY~SEQ} one appended part. A reader sees the newest base and the parts after it, whichever moment it
 * lists them at; every 64 parts the writer folds them into a new base. Other objects cannot be written in
 * place.
 */
public final class S3Persister implements RandomAccessPersister {
    private static final String LOGS = "@wavestash/";
    private static final Pattern PIECE = Pattern.compile("(.*\\.log)~(\\d{12})(\\.b)?");
    private static final int PARTS_BEFORE_FOLDING = 64;
    private static final int READ_RETRIES = 3;

    private final S3Client client;
    private final S3Config config;
    private final String bucket;
    private final String prefix;
    /** Appendable objects this process has looked at: their pieces, so that appends need no listing. */
    private final Map<String, Pieces> pieces = new HashMap<>();

    private S3Persister(S3Client client, S3Config config) {
        this.client = client;
        this.config = config;
        this.bucket = config.bucket();
        this.prefix = config.prefix();
    }

    /**
     * Connects and checks that the bucket is there and the credentials are accepted; throws naming what is
     * wrong (unreachable endpoint, refused credentials, missing bucket).
     */
    public static S3Persister open(S3Config config) throws IOException {
        S3Persister persister = new S3Persister(client(config), config);
        try {
            persister.client.headBucket(b -> b.bucket(config.bucket()));
        } catch (SdkException | UncheckedIOException e) {
            persister.client.close();
            throw persister.failure("open bucket", null, e);
        }
        return persister;
    }

    static S3Client client(S3Config config) throws IOException {
        String access =
                config.accessKey() != null ? config.accessKey() : System.getenv(S3Config.ACCESS_KEY_ENVIRONMENT);
        String secret =
                config.secretKey() != null ? config.secretKey() : System.getenv(S3Config.SECRET_KEY_ENVIRONMENT);
        if (access == null || access.isBlank() || secret == null || secret.isBlank()) {
            throw new IOException("no credentials for " + config.describe() + ": set s3.accessKey and s3.secretKey, or "
                    + S3Config.ACCESS_KEY_ENVIRONMENT + " and " + S3Config.SECRET_KEY_ENVIRONMENT);
        }
        Duration timeout = Duration.ofSeconds(config.timeoutSeconds());
        var builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(Math.min(5, config.timeoutSeconds())))
                        .socketTimeout(timeout))
                .region(Region.of(config.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret)))
                .forcePathStyle(config.pathStyle())
                // self-hosted servers do not all take the newer trailing checksums; MD5-free, signed payloads are
                // checked by the signature anyway
                .requestChecksumCalculation(
                        software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(
                        software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(
                        o -> o.apiCallTimeout(timeout).retryStrategy(r -> r.maxAttempts(config.retries() + 1)));
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return builder.build();
    }

    public S3Config config() {
        return config;
    }

    // ---- whole objects -------------------------------------------------------------------------

    @Override
    public byte[] read(String key) throws IOException {
        Keys.requireSafe(key);
        if (appendable(key)) {
            Pieces p = list(key);
            if (p.isEmpty()) {
                throw new NoSuchFileException(key);
            }
            ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(p.size()));
            readPieces(key, p, 0, all);
            return all.array();
        }
        try {
            return client.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key))
                    .asByteArray();
        } catch (SdkException | UncheckedIOException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public int read(String key, long offset, ByteBuffer dst) throws IOException {
        Keys.requireSafe(key);
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (appendable(key)) {
            for (int attempt = 0; ; attempt++) {
                Pieces p = list(key);
                if (p.isEmpty()) {
                    throw new NoSuchFileException(key);
                }
                int start = dst.position();
                try {
                    return readPieces(key, p, offset, dst);
                } catch (NoSuchFileException folded) {
                    if (attempt == READ_RETRIES) {
                        throw folded;
                    }
                    dst.position(start); // the writer folded the pieces while we read: list them again
                }
            }
        }
        return readRange(prefix + key, key, offset, dst);
    }

    private int readRange(String object, String key, long offset, ByteBuffer dst) throws IOException {
        String range = "bytes=" + offset + "-" + (offset + dst.remaining() - 1);
        try {
            ResponseBytes<GetObjectResponse> got =
                    client.getObject(b -> b.bucket(bucket).key(object).range(range), ResponseTransformer.toBytes());
            ByteBuffer bytes = got.asByteBuffer();
            int n = Math.min(bytes.remaining(), dst.remaining());
            dst.put(bytes.limit(bytes.position() + n));
            return n;
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                return 0; // at or past the end
            }
            throw failure("read", key, e);
        } catch (SdkException | UncheckedIOException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public void write(String key, ByteBuffer bytes) throws IOException {
        Keys.requireSafe(key);
        if (appendable(key)) {
            synchronized (this) {
                Pieces p = known(key);
                long seq = p.nextSeq();
                int length = bytes.remaining();
                put(key, pieceKey(key, seq, true), bytes);
                Pieces now = new Pieces();
                now.add(seq, true, length);
                pieces.put(key, now);
                deleteAll(key, p);
            }
            return;
        }
        put(key, prefix + key, bytes);
    }

    private void put(String key, String object, ByteBuffer bytes) throws IOException {
        try {
            client.putObject(b -> b.bucket(bucket).key(object), RequestBody.fromRemainingByteBuffer(bytes.duplicate()));
            bytes.position(bytes.limit());
        } catch (SdkException | UncheckedIOException e) {
            throw failure("write", key, e);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        Keys.requireSafe(key);
        if (appendable(key)) {
            synchronized (this) {
                Pieces p = list(key);
                pieces.remove(key);
                deleteAll(key, p);
                return !p.isEmpty();
            }
        }
        if (size(key) < 0) {
            return false;
        }
        try {
            client.deleteObject(b -> b.bucket(bucket).key(prefix + key));
            return true;
        } catch (SdkException | UncheckedIOException e) {
            throw failure("delete", key, e);
        }
    }

    /** Each read is a round trip to the server: many in flight hide its latency. */
    @Override
    public int readConcurrency() {
        return 16;
    }

    @Override
    public long size(String key) throws IOException {
        Keys.requireSafe(key);
        if (appendable(key)) {
            Pieces p = list(key);
            return p.isEmpty() ? -1 : p.size();
        }
        try {
            return client.headObject(b -> b.bucket(bucket).key(prefix + key)).contentLength();
        } catch (NoSuchKeyException e) {
            return -1;
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !(e instanceof NoSuchBucketException)) {
                return -1;
            }
            throw failure("look up", key, e);
        } catch (SdkException | UncheckedIOException e) {
            throw failure("look up", key, e);
        }
    }

    @Override
    public void list(String keyPrefix, Consumer<StoredObject> each) throws IOException {
        Keys.requireSafePrefix(keyPrefix);
        Map<String, Pieces> logs = new TreeMap<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix(prefix + keyPrefix))
                    .contents()) {
                String key = o.key().substring(prefix.length());
                Matcher m = key.startsWith(LOGS) ? PIECE.matcher(key) : null;
                if (m != null && m.matches()) {
                    logs.computeIfAbsent(m.group(1), k -> new Pieces())
                            .add(Long.parseLong(m.group(2)), m.group(3) != null, o.size());
                } else {
                    each.accept(new StoredObject(key, o.size()));
                }
            }
        } catch (SdkException | UncheckedIOException e) {
            throw failure("list", keyPrefix.isEmpty() ? "/" : keyPrefix, e);
        }
        logs.forEach((key, p) -> {
            if (!p.isEmpty()) {
                each.accept(new StoredObject(key, p.size()));
            }
        });
    }

    @Override
    public void sync() {
        // an acknowledged PUT is durable
    }

    @Override
    public void close() {
        client.close();
    }

    // ---- appending -----------------------------------------------------------------------------

    @Override
    public synchronized void writeAt(String key, long offset, ByteBuffer bytes) throws IOException {
        Keys.requireSafe(key);
        long size = appendable(key) ? known(key).size() : size(key);
        if (offset == Math.max(size, 0) && appendable(key)) {
            append(key, bytes);
            return;
        }
        if (offset == 0 && size <= bytes.remaining()) {
            write(key, bytes);
            return;
        }
        throw new IOException("cannot write " + key + " at byte " + offset + ": objects in " + config.describe()
                + " are written whole (use layout: chunks)");
    }

    @Override
    public synchronized long append(String key, ByteBuffer bytes) throws IOException {
        Keys.requireSafe(key);
        if (!appendable(key)) {
            throw new IOException("cannot append to " + key + ": in " + config.describe()
                    + " only the store's own logs are appended to (use layout: chunks)");
        }
        Pieces p = known(key);
        long at = p.size();
        if (p.isEmpty()) {
            write(key, bytes);
            return 0;
        }
        long seq = p.nextSeq();
        int length = bytes.remaining();
        put(key, pieceKey(key, seq, false), bytes);
        p.add(seq, false, length);
        if (p.partsAfterBase() >= PARTS_BEFORE_FOLDING) {
            fold(key, p);
        }
        return at;
    }

    /** Writes the pieces as one new base, then deletes them: readers see either, never both. */
    private void fold(String key, Pieces p) throws IOException {
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(p.size()));
        readPieces(key, p, 0, all);
        write(key, all.flip());
    }

    @Override
    public synchronized void truncate(String key, long size) throws IOException {
        long current = size(key);
        if (current <= size) {
            return;
        }
        ByteBuffer head = ByteBuffer.allocate(Math.toIntExact(size));
        read(key, 0, head);
        write(key, head.flip());
    }

    private static boolean appendable(String key) {
        return key.startsWith(LOGS) && key.endsWith(".log");
    }

    private String pieceKey(String key, long seq, boolean base) {
        return prefix + key + "~" + String.format("%012d", seq) + (base ? ".b" : "");
    }

    /** The pieces of an appendable object as this process last saw them, listed the first time. */
    private synchronized Pieces known(String key) throws IOException {
        Pieces p = pieces.get(key);
        if (p == null) {
            p = list(key);
            pieces.put(key, p);
        }
        return p;
    }

    private Pieces list(String key) throws IOException {
        Pieces p = new Pieces();
        String start = prefix + key + "~";
        try {
            for (S3Object o : client.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix(start))
                    .contents()) {
                Matcher m = PIECE.matcher(o.key().substring(prefix.length()));
                if (m.matches() && m.group(1).equals(key)) {
                    p.add(Long.parseLong(m.group(2)), m.group(3) != null, o.size());
                }
            }
        } catch (SdkException | UncheckedIOException e) {
            throw failure("list", key, e);
        }
        return p;
    }

    private int readPieces(String key, Pieces p, long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        long pieceStart = 0;
        for (Pieces.Piece piece : p.current()) {
            long pieceEnd = pieceStart + piece.size();
            long at = offset + total;
            if (dst.hasRemaining() && at < pieceEnd && at >= pieceStart) {
                ByteBuffer part = dst.slice(dst.position(), (int) Math.min(dst.remaining(), pieceEnd - at));
                String object = pieceKey(key, piece.seq(), piece.base());
                int n;
                try {
                    n = readRange(object, key, at - pieceStart, part);
                } catch (NoSuchFileException e) {
                    throw new NoSuchFileException(key, null, "piece " + piece.seq() + " was folded away");
                }
                dst.position(dst.position() + n);
                total += n;
                if (n < part.capacity()) {
                    break;
                }
            }
            pieceStart = pieceEnd;
        }
        return total;
    }

    private void deleteAll(String key, Pieces p) throws IOException {
        for (Pieces.Piece piece : p.all()) {
            try {
                client.deleteObject(b -> b.bucket(bucket).key(pieceKey(key, piece.seq(), piece.base())));
            } catch (SdkException | UncheckedIOException e) {
                throw failure("delete", key, e);
            }
        }
    }

    /** The pieces of one appendable object. */
    private static final class Pieces {
        record Piece(long seq, boolean base, long size) {}

        private final TreeMap<Long, Piece> bySeq = new TreeMap<>();

        void add(long seq, boolean base, long size) {
            bySeq.put(seq, new Piece(seq, base, size));
        }

        /** The newest base and the parts after it. */
        List<Piece> current() {
            List<Piece> out = new ArrayList<>();
            for (Piece p : bySeq.descendingMap().values()) {
                out.add(0, p);
                if (p.base()) {
                    break;
                }
            }
            return out;
        }

        List<Piece> all() {
            return List.copyOf(bySeq.values());
        }

        boolean isEmpty() {
            return bySeq.isEmpty();
        }

        long size() {
            return current().stream().mapToLong(Piece::size).sum();
        }

        long nextSeq() {
            return bySeq.isEmpty() ? 1 : bySeq.lastKey() + 1;
        }

        int partsAfterBase() {
            return current().size() - 1;
        }
    }

    // ---- errors --------------------------------------------------------------------------------

    /** An exception that says what failed, where, and what to check. */
    IOException failure(String action, String key, RuntimeException e) {
        String what = "cannot " + action + (key == null ? "" : " " + key) + " in " + config.describe();
        if (e instanceof NoSuchKeyException) {
            return new NoSuchFileException(key);
        }
        if (e instanceof NoSuchBucketException || e instanceof S3Exception s && s.statusCode() == 404 && key == null) {
            return new IOException(what + ": bucket '" + config.bucket() + "' does not exist");
        }
        if (e instanceof S3Exception s && s.statusCode() == 403) {
            String code = s.awsErrorDetails() == null
                    ? ""
                    : " (" + s.awsErrorDetails().errorCode() + ")";
            return new IOException(what + ": access denied" + code + "; check the access key and secret key");
        }
        if (e instanceof SdkClientException || e instanceof UncheckedIOException) {
            Throwable cause = rootCause(e);
            String reason = cause instanceof ConnectException
                    ? "connection refused"
                    : cause instanceof UnknownHostException ? "unknown host " + cause.getMessage() : e.getMessage();
            return new IOException(what + ": endpoint unreachable (" + reason + ")", e);
        }
        return new IOException(what + ": " + e.getMessage(), e);
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
