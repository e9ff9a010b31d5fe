package dev.pasarela.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.StripeFixtures;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** The per-source abuse limit on webhooks: correctly signed traffic never trips it, forgers do. */
@GatewayTest
@TestPropertySource(properties = "pasarela.ingress.abuse.max-bad-signatures=3")
class WebhookAbuseTest {

    @LocalServerPort
    int port;

    @Test
    void aBurstOfSignedEventsIsNeverThrottledButRepeatedForgeriesAre() {
        Http http = new Http(port);
        for (int i = 0; i < 150; i++) { // a provider at full tilt, from one address
            byte[] body = StripeFixtures.event("checkout.session.completed.json").id("evt_burst_" + i + UUID.randomUUID()).bytes();
            assertThat(http.stripe(body, StripeFixtures.sign(body)).status()).isEqualTo(200);
        }
        byte[] body = StripeFixtures.event("checkout.session.completed.json").id("evt_forged").bytes();
        for (int i = 0; i < 3; i++) {
            assertThat(http.stripe(body, StripeFixtures.sign(body, "whsec_guess_" + i, java.time.Instant.now().getEpochSecond()))
                    .status()).isEqualTo(400);
        }
        Http.Response blocked = http.stripe(body, "t=1,v1=00");
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(blocked.raw().headers().firstValue("Retry-After").orElseThrow())).isPositive();
        // the provider behind the same address (a proxy, say) still gets through
        byte[] signed = StripeFixtures.event("checkout.session.completed.json").id("evt_after_" + UUID.randomUUID()).bytes();
        assertThat(http.stripe(signed, StripeFixtures.sign(signed)).status()).isEqualTo(200);
    }

    @Test
    void guessingMetasVerifyTokenSpendsTheSameAllowanceButMetaStillGetsItsChallenge() {
        Http http = new Http(port);
        String challenge = "/webhooks/meta?hub.mode=subscribe&hub.challenge=4242&hub.verify_token=";
        for (int i = 0; i < 3; i++) { // this address may already be out of allowance (the other test)
            assertThat(http.ops("GET", challenge + "guess" + i, null, null).status()).isIn(403, 429);
        }
        Http.Response blocked = http.ops("GET", challenge + "guess-again", null, null);
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.raw().headers().firstValue("Retry-After")).isPresent();
        Http.Response meta = http.ops("GET", challenge + GatewayTest.META_VERIFY_TOKEN, null, null);
        assertThat(meta.status()).isEqualTo(200);
        assertThat(meta.body()).isEqualTo("4242");
    }
}
