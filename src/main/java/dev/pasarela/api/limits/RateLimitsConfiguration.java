package dev.pasarela.api.limits;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where rate-limit buckets live: {@code memory} (the embedded default, one JVM) or {@code redis}
 * (Bucket4j's Lettuce compare-and-swap buckets, shared by every replica), chosen with
 * {@code PASARELA_RATE_LIMITS_STORE}; Redis at {@code PASARELA_REDIS_URL}.
 */
@Configuration(proxyBeanMethods = false)
public class RateLimitsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RateLimitsConfiguration.class);

    @Bean
    RateLimits rateLimits(RateLimitsProperties properties, Clock clock) {
        String redisUrl = properties.redisUrl().toString();
        return switch (properties.store()) {
            case "memory" -> new RateLimits(RateLimits.inMemory(), clock);
            case "redis" -> {
                log.info("Rate limits shared through Redis at {}", redisUrl.replaceAll("//[^@/]*@", "//***@"));
                try {
                    yield new RateLimits(redis(RedisClient.create(redisUrl)), clock);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("PASARELA_REDIS_URL: cannot reach Redis for rate limits: "
                            + e.getClass().getSimpleName(), e);
                }
            }
            default -> throw new IllegalStateException(
                    "PASARELA_RATE_LIMITS_STORE must be memory or redis, not '" + properties.store() + "'");
        };
    }

    static RateLimits.Buckets redis(RedisClient client) {
        ProxyManager<byte[]> buckets = Bucket4jLettuce.casBasedBuilder(client)
                // a bucket left alone until it is full again is forgotten by Redis itself
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        ProxyManager<String> byName = buckets.withMapper(k -> ("pasarela:rate:" + k).getBytes(StandardCharsets.UTF_8));
        return (key, configuration) -> byName.builder().build(key, () -> configuration);
    }
}
