package dev.pasarela.api.limits;

import dev.pasarela.pipeline.BucketStore;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API's rate limits on the gateway's bucket store (memory or Redis, {@code PASARELA_RATE_LIMITS_STORE}),
 * under their own keys ({@code pasarela:rate:…} in Redis).
 */
@Configuration(proxyBeanMethods = false)
public class RateLimitsConfiguration {

    @Bean
    RateLimits rateLimits(BucketStore buckets, Clock clock) {
        return new RateLimits(buckets.buckets("rate"), clock);
    }
}
