package dev.pasarela.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Buckets in this JVM only: the embedded default, and the fallback of a shared store that cannot be
 * reached. Bounded; a bucket idle for 30 minutes is forgotten (a slot's message coming back keeps it).
 */
public final class MemoryBucketStore implements BucketStore {

    private final Map<String, Buckets> limits = new ConcurrentHashMap<>();
    private final Map<String, CallWindows> windows = new ConcurrentHashMap<>();

    @Override
    public Buckets buckets(String limit) {
        return limits.computeIfAbsent(limit, l -> new Local());
    }

    @Override
    public CallWindows windows(String limit) {
        return windows.computeIfAbsent(limit, l -> new MemoryCallWindows());
    }

    private static final class Local implements Buckets {
        private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
                .maximumSize(200_000).expireAfterAccess(Duration.ofMinutes(30)).build();

        @Override
        public <T> T apply(String key, BucketConfiguration configuration, Function<Bucket, T> operation) {
            return operation.apply(buckets.get(key, k -> local(configuration)));
        }

        @Override
        public void keep(String key) {
            buckets.getIfPresent(key);
        }
    }

    static Bucket local(BucketConfiguration configuration) {
        LocalBucketBuilder builder = Bucket.builder();
        for (Bandwidth b : configuration.getBandwidths()) {
            builder.addLimit(b);
        }
        return builder.build();
    }
}
