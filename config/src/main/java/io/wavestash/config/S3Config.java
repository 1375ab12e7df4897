package io.wavestash.config;

import java.net.URI;

/**
 * An S3-compatible bucket.
 *
 * @param endpoint the service's URL, for example {@code http://127.0.0.1:9000}; null: AWS's own endpoint for the
 *     region
 * @param region the signing region
 * @param bucket the bucket, which must exist
 * @param prefix prepended to every key (empty, or ending in {@code /}), so that one bucket holds several stores
 * @param accessKey the access key; null: {@code AWS_ACCESS_KEY_ID} from the environment
 * @param secretKey the secret key; null: {@code AWS_SECRET_ACCESS_KEY} from the environment
 * @param pathStyle address the bucket in the path ({@code endpoint/bucket/key}), as most self-hosted servers expect
 * @param timeoutSeconds the limit for one request, retries included
 * @param retries how often a failed request is tried again (with backoff) before it counts as failed
 */
public record S3Config(
        URI endpoint,
        String region,
        String bucket,
        String prefix,
        String accessKey,
        String secretKey,
        boolean pathStyle,
        int timeoutSeconds,
        int retries) {
    public static final String ACCESS_KEY_ENVIRONMENT = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_KEY_ENVIRONMENT = "AWS_SECRET_ACCESS_KEY";
    public static final String DEFAULT_REGION = "us-east-1";

    /** Where the bucket is, for messages: {@code s3://bucket/prefix at endpoint}. */
    public String describe() {
        return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
    }

    @Override
    public String toString() {
        return describe(); // never the secret
    }

    static S3Config read(ConfigNode node) {
        URI endpoint = node.parsed("endpoint", null, S3Config::endpoint);
        String region = node.string("region", DEFAULT_REGION);
        String bucket = node.string("bucket", null);
        if (bucket == null) {
            node.problem("bucket", "is required for an S3 store");
        } else if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            node.problem(
                    "bucket", "expected 3-63 characters of a-z 0-9 . - (an S3 bucket name), found '" + bucket + "'");
        }
        String prefix = node.string("prefix", "");
        if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/") || prefix.contains("//"))) {
            node.problem("prefix", "expected a relative path ending in '/', like 'site-a/', found '" + prefix + "'");
        }
        String accessKey = node.string("accessKey", null);
        String secretKey = node.string("secretKey", null);
        if ((accessKey == null) != (secretKey == null)) {
            node.problem(accessKey == null ? "accessKey" : "secretKey", "accessKey and secretKey go together");
        }
        boolean pathStyle = node.bool("pathStyle", endpoint != null);
        int timeout = node.integer("timeoutSeconds", 30, 1, 3600);
        int retries = node.integer("retries", 3, 0, 20);
        node.finish();
        return new S3Config(endpoint, region, bucket, prefix, accessKey, secretKey, pathStyle, timeout, retries);
    }

    private static URI endpoint(String text) {
        URI uri;
        try {
            uri = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: '" + text + "'");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected an http:// or https:// URL with a host, found '" + text + "'");
        }
        return uri;
    }
}
