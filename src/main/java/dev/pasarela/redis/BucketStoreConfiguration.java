package dev.pasarela.redis;

import dev.pasarela.pipeline.BucketStore;
import dev.pasarela.pipeline.MemoryBucketStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one choice of where every limit's buckets live ({@code PASARELA_RATE_LIMITS_STORE}): in this
 * JVM, or in Redis at {@code PASARELA_REDIS_URL} on one client for the whole gateway. An unreachable
 * Redis does not stop the start: the gateway must keep accepting webhooks without it.
 */
@Configuration(proxyBeanMethods = false)
public class BucketStoreConfiguration {

    @Bean
    BucketStore bucketStore(LimitsStoreProperties properties, MeterRegistry meters) {
        return switch (properties.store()) {
            case "redis" -> new RedisBucketStore(properties.redisUrl(), properties.redisKeyPrefix(), properties.redisTimeout(),
                    properties.redisRetryAfter(), meters);
            default -> new MemoryBucketStore();
        };
    }
}
