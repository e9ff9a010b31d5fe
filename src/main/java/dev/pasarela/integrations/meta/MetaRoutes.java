package dev.pasarela.integrations.meta;

import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.ingress.WebhookAbuseGuard;
import dev.pasarela.api.RateLimitedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Meta's subscription handshake on {@code GET /webhooks/meta}: echo {@code hub.challenge} when
 * {@code hub.mode=subscribe} and {@code hub.verify_token} is ours (constant-time), 403 otherwise.
 * The POST side is the shared inbound-webhook template ({@code routes/meta.camel.yaml}).
 */
@Component
public class MetaRoutes extends RouteBuilder {

    private final byte[] verifyToken;
    private final WebhookAbuseGuard abuse;

    public MetaRoutes(MetaWebhookProperties meta, WebhookAbuseGuard abuse) {
        this.verifyToken = meta.verifyToken().getBytes(StandardCharsets.UTF_8);
        this.abuse = abuse;
    }

    @Override
    public void configure() {
        from("platform-http:/webhooks/meta?httpMethodRestrict=GET").routeId("meta.in.subscribe")
                .routeConfigurationId(ErrorHandling.INGRESS)
                .process(this::handshake).id("handshake");
    }

    void handshake(Exchange e) {
        String mode = e.getMessage().getHeader("hub.mode", String.class);
        String token = e.getMessage().getHeader("hub.verify_token", String.class);
        String challenge = e.getMessage().getHeader("hub.challenge", String.class);
        boolean ok = "subscribe".equals(mode) && token != null && verifyToken.length > 0
                && MessageDigest.isEqual(verifyToken, token.getBytes(StandardCharsets.UTF_8))
                && challenge != null && challenge.matches("[A-Za-z0-9._-]{1,200}");
        if (!ok) {
            // guessing the verify token spends the address's allowance like a bad signature does
            String source = e.getIn() instanceof PlatformHttpMessage http ? http.getRequest().getRemoteAddr() : null;
            long wait = source == null ? 0 : abuse.refusedSignature(source);
            if (wait > 0) {
                throw new RateLimitedException("too-many-bad-signatures", "Too many requests",
                        "Too many failed verification attempts came from this address.", wait);
            }
            throw new ProblemException(403, "verification-failed", "Verification failed",
                    "hub.mode must be subscribe and hub.verify_token must match the configured token.");
        }
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
        e.getMessage().setBody(challenge);
    }
}
