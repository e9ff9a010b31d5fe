package dev.pasarela.security;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Verifying Firebase ID tokens ({@code pasarela.auth.firebase.*}).
 *
 * @param projectId          {@code FIREBASE_PROJECT_ID}; blank: ID tokens are refused, service keys still work
 * @param publicKeysUrl      {@code FIREBASE_PUBLIC_KEYS_URL}, Google's JWKS of the securetoken keys
 * @param keysTimeout        how long fetching the keys may take
 * @param keysConnectTimeout how long connecting to the keys' host may take
 */
@Validated
@ConfigurationProperties("pasarela.auth.firebase")
public record FirebaseProperties(
        @DefaultValue("") String projectId,
        @NotNull @DefaultValue("https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com")
        URI publicKeysUrl,
        @NotNull @DefaultValue("PT10S") Duration keysTimeout,
        @NotNull @DefaultValue("PT5S") Duration keysConnectTimeout) {
}
