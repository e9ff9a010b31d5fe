package dev.pasarela.callbacks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/** One callback post against a tenant's stand-in: signature time from the Clock, timeouts, Retry-After, 3xx. */
class CallbackRoutesTest {

    static final WireMockServer CRM = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    static final byte[] BODY = "{\"type\":\"inbound_message\",\"eventId\":\"e1\"}".getBytes(StandardCharsets.UTF_8);

    static {
        CRM.start();
    }

    @AfterAll
    static void stop() {
        CRM.stop();
    }

    @BeforeEach
    void reset() {
        CRM.resetAll();
    }

    static CallbackRoutes routes(Duration timeout) {
        Tenant tenant = mock(Tenant.class);
        when(tenant.callbackUrl()).thenReturn(CRM.baseUrl() + "/hooks/pasarela?token=crm-secret-token");
        TenantRepository tenants = mock(TenantRepository.class);
        when(tenants.find("t1")).thenReturn(Optional.of(tenant));
        CredentialVault vault = mock(CredentialVault.class);
        when(vault.credentials("t1", "callback")).thenReturn(Optional.of(Map.of("signingSecret", "whsec_cb")));
        return new CallbackRoutes(tenants, vault, new CallbackProperties(timeout, Duration.ofSeconds(2), 1),
                RestClient.builder(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static Exchange event() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(BODY);
        exchange.getIn().setHeader(Variables.H_TENANT_ID, "t1");
        exchange.getIn().setHeader(Variables.H_EVENT_KEY, "e1");
        exchange.getIn().setHeader(Variables.H_EVENT_TYPE, "inbound_message");
        return exchange;
    }

    @Test
    void postsTheEventSignedAtTheClocksTime() throws Exception {
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(204)));
        routes(Duration.ofSeconds(5)).post(event());
        CRM.verify(postRequestedFor(urlPathEqualTo("/hooks/pasarela"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("X-Pasarela-Event-Id", equalTo("e1"))
                .withHeader(CallbackRoutes.SIGNATURE_HEADER,
                        equalTo(CallbackRoutes.sign(BODY, "whsec_cb", NOW.getEpochSecond()))));
    }

    @Test
    void aRateLimitIsTransientWithItsRetryAfter() {
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "4")));
        assertThatThrownBy(() -> routes(Duration.ofSeconds(5)).post(event()))
                .isInstanceOfSatisfying(TransientException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(4)));
    }

    @Test
    void aSlowReceiverIsTransientOnceItsTimeoutPassesAndItsUrlIsNotInTheFailure() {
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(204).withFixedDelay(4000)));
        long started = System.nanoTime();
        assertThatThrownBy(() -> routes(Duration.ofMillis(500)).post(event()))
                .isInstanceOf(TransientException.class)
                .hasMessage("callback of t1 unreachable: HttpTimeoutException")
                .satisfies(e -> assertThat(e.getCause().toString()).doesNotContain("crm-secret-token"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(3500));
    }

    @Test
    void aRedirectIsNotFollowedAndIsPermanent() {
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(301)
                .withHeader("Location", CRM.baseUrl() + "/elsewhere")));
        assertThatThrownBy(() -> routes(Duration.ofSeconds(5)).post(event()))
                .isInstanceOf(PermanentException.class).hasMessage("callback of t1 answered 301");
        CRM.verify(0, postRequestedFor(urlPathEqualTo("/elsewhere")));
    }
}
