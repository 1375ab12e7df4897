package io.wavestash.storage.testing;

import io.wavestash.config.S3Config;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server (S3Proxy over an in-memory blob store) on a loopback port, with signed requests required.
 * It can be stopped and started again on the same port with its objects kept, as an outage does.
 */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS_KEY = "wavestash-test";
    public static final String SECRET_KEY = "wavestash-test-secret";

    private final BlobStoreContext context;
    private final BlobStore blobs;
    private final int port;
    private S3Proxy proxy;

    private S3Server(int port) {
        Properties properties = new Properties();
        this.context = ContextBuilder.newBuilder("transient")
                .credentials("unused", "unused")
                .overrides(properties)
                .build(BlobStoreContext.class);
        this.blobs = context.getBlobStore();
        this.port = port;
    }

    /** Starts a server with one bucket. */
    public static S3Server start(String bucket) throws Exception {
        S3Server server = new S3Server(freePort());
        server.blobs.createContainerInLocation(null, bucket);
        server.startProxy();
        return server;
    }

    private void startProxy() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(endpoint())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3 server did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The bucket as a store config sees it. */
    public S3Config config(String bucket, String prefix) {
        return new S3Config(endpoint(), "us-east-1", bucket, prefix, ACCESS_KEY, SECRET_KEY, true, 10, 1);
    }

    /** The YAML of an {@code s3:} mapping (indented by {@code indent}) for this server. */
    public String yaml(String bucket, String prefix, String indent) {
        return indent + "s3:\n" + indent + "  endpoint: " + endpoint() + "\n" + indent + "  bucket: " + bucket + "\n"
                + indent + "  prefix: '" + prefix + "'\n" + indent + "  accessKey: " + ACCESS_KEY + "\n" + indent
                + "  secretKey: " + SECRET_KEY + "\n" + indent + "  timeoutSeconds: 5\n" + indent + "  retries: 1\n";
    }

    public void createBucket(String bucket) {
        blobs.createContainerInLocation(null, bucket);
    }

    /** Objects in a bucket whose names start with {@code prefix}. */
    public int count(String bucket, String prefix) {
        int n = 0;
        for (var page = blobs.list(
                        bucket,
                        org.jclouds.blobstore.options.ListContainerOptions.Builder.prefix(prefix)
                                .recursive());
                ;
                page = blobs.list(
                        bucket,
                        org.jclouds.blobstore.options.ListContainerOptions.Builder.prefix(prefix)
                                .recursive()
                                .afterMarker(page.getNextMarker()))) {
            n += page.size();
            if (page.getNextMarker() == null) {
                return n;
            }
        }
    }

    /** Stops answering (connections are refused) while keeping every object. */
    public void stop() throws Exception {
        proxy.stop();
    }

    /** Answers again, on the same port, with the same objects. */
    public void restart() throws Exception {
        startProxy();
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
