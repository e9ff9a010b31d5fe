package dev.pasarela.api.limits;

import jakarta.validation.constraints.Pattern;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Where the API's rate-limit buckets live: {@code memory} (one JVM) or {@code redis} (every replica). */
@ConfigurationProperties("pasarela.rate-limits")
public record RateLimitsProperties(
        @DefaultValue("memory") @Pattern(regexp = "memory|redis", message = "must be memory or redis") String store,
        @DefaultValue("redis://127.0.0.1:6379") URI redisUrl) {}
