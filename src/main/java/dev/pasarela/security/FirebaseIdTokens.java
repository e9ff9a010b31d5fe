package dev.pasarela.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.pasarela.tenants.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Offline verification of Firebase ID tokens with Spring Security's Nimbus decoder: RS256 only
 * (so {@code alg: none} and HS256 are refused), a known {@code kid}, issuer
 * {@code https://securetoken.google.com/<project>}, audience the project, {@code exp}, {@code iat}
 * and {@code auth_time} with a bounded clock skew, a subject, and the tenant claim.
 */
public final class FirebaseIdTokens {

    private FirebaseIdTokens() {}

    public static JwtDecoder decoder(String projectId, GooglePublicKeys publicKeys, String tenantClaim, Duration skew,
                                     Clock clock) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        JWSVerificationKeySelector<SecurityContext> keys = new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                publicKeys);
        // Nimbus matches any key when the header names none: Firebase tokens always carry a kid
        processor.setJWSKeySelector((header, context) ->
                header.getKeyID() == null ? java.util.List.of() : keys.selectJWSKeys(header, context));
        processor.setJWTClaimsSetVerifier((claims, context) -> { }); // Spring's validators below check the claims
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        JwtTimestampValidator timestamps = new JwtTimestampValidator(skew);
        timestamps.setClock(clock);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps,
                claims(projectId, tenantClaim, skew, clock)));
        return decoder;
    }

    static OAuth2TokenValidator<Jwt> claims(String projectId, String tenantClaim, Duration skew, Clock clock) {
        String issuer = "https://securetoken.google.com/" + projectId;
        return jwt -> {
            List<OAuth2Error> errors = new ArrayList<>();
            Instant latest = clock.instant().plus(skew);
            if (!issuer.equals(jwt.getClaimAsString("iss"))) {
                errors.add(error("the token was not issued for this Firebase project"));
            }
            if (jwt.getAudience() == null || !jwt.getAudience().contains(projectId)) {
                errors.add(error("the token's audience is not this Firebase project"));
            }
            if (jwt.getExpiresAt() == null || jwt.getIssuedAt() == null) {
                errors.add(error("the token has no exp or iat"));
            } else if (jwt.getIssuedAt().isAfter(latest)) {
                errors.add(error("the token is issued in the future"));
            }
            Instant authTime = jwt.getClaim("auth_time") instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
            if (authTime == null || authTime.isAfter(latest)) {
                errors.add(error("the token has no valid auth_time"));
            }
            String sub = jwt.getSubject();
            if (sub == null || sub.isEmpty() || sub.length() > 128) {
                errors.add(error("the token has no valid subject"));
            }
            if (!Tenant.isValidId(jwt.getClaimAsString(tenantClaim))) {
                errors.add(error("the token carries no tenant claim"));
            }
            return errors.isEmpty() ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(errors);
        };
    }

    private static OAuth2Error error(String description) {
        return new OAuth2Error("invalid_token", description, null);
    }
}
