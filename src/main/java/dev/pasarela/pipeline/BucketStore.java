package dev.pasarela.pipeline;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import java.util.function.Function;

/**
 * Where Bucket4j buckets (and {@link CallWindows}) live, chosen once for every limit with {@code pasarela.rate-limits.store}:
 * this JVM ({@link MemoryBucketStore}, the embedded default) or a store every replica shares (Redis),
 * so N replicas together hold one rate per key.
 */
public interface BucketStore {

    /** The buckets of one limit ({@code send}, {@code delivery}, {@code abuse}, {@code rate}), keys apart from the others'. */
    Buckets buckets(String limit);

    /** The call windows of one limit ({@link CallWindows}), in the same place as its buckets. */
    CallWindows windows(String limit);

    /** The buckets of one limit. */
    interface Buckets {

        /**
         * Runs {@code operation} on the key's bucket, created with {@code configuration} if it has none.
         * A shared key's configuration must be the same on every replica (put what varies, such as the
         * rate, in the key). A shared store that cannot be reached runs it on this JVM's bucket instead.
         */
        <T> T apply(String key, BucketConfiguration configuration, Function<Bucket, T> operation);

        /**
         * Keeps an in-memory bucket from being forgotten while messages still hold slots it handed out;
         * a bucket in Redis lives until its debt is repaid anyway.
         */
        default void keep(String key) {}
    }
}
