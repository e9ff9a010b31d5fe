package dev.pasarela.redis;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where every limit's buckets live (API rate limits, send and delivery shaping, webhook abuse):
 * {@code memory} (one JVM) or {@code redis} (every replica). {@code redisTimeout} bounds a command
 * and a connection attempt, so a Redis that stops answering holds a consumer no longer than that;
 * after repeated failures Redis is left alone for {@code redisRetryAfter} and each replica uses its
 * own buckets meanwhile. {@code redisKeyPrefix} starts every key the limits write: installations
 * sharing one Redis (a staging and a production gateway, a test) each set their own.
 */
@ConfigurationProperties("pasarela.rate-limits")
public record LimitsStoreProperties(
        @DefaultValue("memory") @Pattern(regexp = "memory|redis", message = "must be memory or redis") String store,
        @DefaultValue("redis://127.0.0.1:6379")
        @Pattern(regexp = "rediss?://.+", message = "must be a redis:// or rediss:// URL") String redisUrl,
        @DefaultValue("pasarela:") @NotBlank String redisKeyPrefix,
        @DefaultValue("500ms") @NotNull Duration redisTimeout,
        @DefaultValue("5s") @NotNull Duration redisRetryAfter) {}
