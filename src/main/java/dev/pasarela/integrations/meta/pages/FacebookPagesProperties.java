package dev.pasarela.integrations.meta.pages;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Facebook page management and the Meta token check ({@code pasarela.meta.pages.*}); the app id and
 * secret are {@code pasarela.meta.app-id} / {@code app-secret} ({@code MetaWebhookProperties}).
 *
 * @param tokenCheckInterval how often {@code facebook.job.check-tokens} asks {@code /debug_token} about every stored token
 * @param tokenCheckDelay    how long after start the first check runs
 * @param expiryWarning      tokens expiring within this are reported ({@code GET /ops/meta/tokens}) and logged
 * @param maxAccountPages    at most this many pages of {@code /me/accounts} are read (100 Facebook pages each)
 */
@Validated
@ConfigurationProperties("pasarela.meta.pages")
public record FacebookPagesProperties(
        @NotNull @DefaultValue("PT24H") Duration tokenCheckInterval,
        @NotNull @DefaultValue("PT5M") Duration tokenCheckDelay,
        @NotNull @DefaultValue("P7D") Duration expiryWarning,
        @Positive @Max(100) @DefaultValue("10") int maxAccountPages) {
}
