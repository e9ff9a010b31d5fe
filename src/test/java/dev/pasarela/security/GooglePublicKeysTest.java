package dev.pasarela.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import dev.pasarela.support.FirebaseTokens;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/** Google's keys fetched through the RestClient and kept as long as Cache-Control says, on the injected Clock. */
class GooglePublicKeysTest {

    static final WireMockServer GOOGLE = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final String PATH = "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";
    static final JWKSelector KNOWN = new JWKSelector(new JWKMatcher.Builder().keyID("kid-google-1").build());

    static {
        GOOGLE.start();
    }

    @AfterAll
    static void stop() {
        GOOGLE.stop();
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-06-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovingClock clock = new MovingClock();
    GooglePublicKeys keys;

    @BeforeEach
    void keys() {
        GOOGLE.resetAll();
        GOOGLE.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=UTF-8")
                .withHeader("Cache-Control", "public, max-age=600, must-revalidate, no-transform")
                .withBody(new FirebaseTokens().jwks())));
        keys = new GooglePublicKeys(RestClient.builder(), new FirebaseProperties("demo-pasarela",
                URI.create(GOOGLE.baseUrl() + PATH), Duration.ofSeconds(5), Duration.ofSeconds(2)), clock);
    }

    @Test
    void theKeysAreKeptForMaxAgeThenFetchedAgain() throws Exception {
        assertThat(keys.get(KNOWN, null)).hasSize(1);
        clock.now = clock.now.plusSeconds(599);
        assertThat(keys.get(KNOWN, null)).hasSize(1);
        GOOGLE.verify(1, getRequestedFor(urlEqualTo(PATH)));
        clock.now = clock.now.plusSeconds(2);
        assertThat(keys.get(KNOWN, null)).hasSize(1);
        GOOGLE.verify(2, getRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void aFailedRefreshKeepsTheCachedKeysAndAFirstFetchFailureIsAKeySourceError() throws Exception {
        assertThat(keys.get(KNOWN, null)).hasSize(1);
        GOOGLE.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503)));
        clock.now = clock.now.plusSeconds(601);
        assertThat(keys.get(KNOWN, null)).hasSize(1);

        GooglePublicKeys fresh = new GooglePublicKeys(RestClient.builder(), new FirebaseProperties("demo-pasarela",
                URI.create(GOOGLE.baseUrl() + PATH), Duration.ofSeconds(5), Duration.ofSeconds(2)), clock);
        assertThatThrownBy(() -> fresh.get(KNOWN, null)).isInstanceOf(KeySourceException.class)
                .hasMessageContaining("answered 503");
    }
}
