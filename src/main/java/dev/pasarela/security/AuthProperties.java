package dev.pasarela.security;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The claims of a caller's Firebase ID token the gateway reads (its tenant and role), and the
 * clock skew tolerated on its times. Firebase itself: {@link FirebaseProperties}.
 */
@ConfigurationProperties("pasarela.auth")
public record AuthProperties(@DefaultValue("tenantId") @NotBlank String tenantClaim,
                             @DefaultValue("role") @NotBlank String roleClaim,
                             @DefaultValue("PT2M") Duration clockSkew) {}
