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
import dev.pasarela.pipeline.errors.RetryProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.pipeline.errors.NotTriedException;
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

/** One callback post against a tenant's stand-in: signature (time from the Clock, event id, attempt), timeouts, Retry-After, 3xx, parking. */
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
        // a connect timeout longer than the receiver's delays: a read cut by it fails the slow case
        CallbackProperties properties = new CallbackProperties(timeout, Duration.ofSeconds(30), 1);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new CallbackRoutes(tenants, vault, properties, RestClient.builder(), clock,
                new CallbackEndpoints(properties, clock, new SimpleMeterRegistry()), RETRY);
    }

    /**
     * The probe of a parked endpoint fails before any call (the vault cannot be read): the breaker's
     * one permission comes back, so the endpoint is tried again, and a new URL starts unparked.
     */
    @Test
    void aProbeThatFailsBeforeItsCallDoesNotLeaveTheEndpointParkedForever() throws Exception {
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(503)));
        Tenant tenant = mock(Tenant.class);
        when(tenant.callbackUrl()).thenReturn(CRM.baseUrl() + "/hooks/pasarela");
        TenantRepository tenants = mock(TenantRepository.class);
        when(tenants.find("t1")).thenReturn(Optional.of(tenant));
        CredentialVault vault = mock(CredentialVault.class);
        when(vault.credentials("t1", "callback")).thenReturn(Optional.empty());
        CallbackProperties properties = new CallbackProperties(Duration.ofSeconds(5), Duration.ofSeconds(2), 1);
        dev.pasarela.support.MovableClock clock = dev.pasarela.support.MovableClock.at(NOW);
        CallbackEndpoints endpoints = new CallbackEndpoints(properties, clock, new SimpleMeterRegistry());
        CallbackRoutes routes = new CallbackRoutes(tenants, vault, properties, RestClient.builder(), clock, endpoints, RETRY);

        for (int i = 0; i < 2; i++) { // two failures park it
            assertThatThrownBy(() -> routes.post(event())).isInstanceOf(TransientException.class);
        }
        assertThat(endpoints.parkedSince("t1")).isPresent();
        clock.advance(Duration.ofMinutes(2));
        when(vault.credentials("t1", "callback")).thenThrow(new IllegalStateException("store down"));
        assertThatThrownBy(() -> routes.post(event())).isInstanceOf(TransientException.class)
                .hasMessageContaining("not readable now");

        org.mockito.Mockito.doReturn(Optional.empty()).when(vault).credentials("t1", "callback");
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(204)));
        routes.post(event()); // tried, and it answers
        assertThat(endpoints.parkedSince("t1")).isEmpty();
        CRM.verify(3, postRequestedFor(urlPathEqualTo("/hooks/pasarela")));

        // parked again, then the tenant moves its endpoint: the new URL is not parked
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> routes.post(event())).isInstanceOf(TransientException.class);
        }
        assertThat(endpoints.parkedSince("t1")).isPresent();
        when(tenant.callbackUrl()).thenReturn(CRM.baseUrl() + "/hooks/v2");
        CRM.stubFor(post(urlPathEqualTo("/hooks/v2")).willReturn(aResponse().withStatus(204)));
        endpoints.breaker("t1", CRM.baseUrl() + "/hooks/v2");
        assertThat(endpoints.parkedSince("t1")).isEmpty();
        routes.post(event());
        CRM.verify(1, postRequestedFor(urlPathEqualTo("/hooks/v2")));
    }

    static final RetryProperties RETRY = new RetryProperties(5, 500, 8000, 6, 3_600_000,
            Map.of(CallbackRoutes.ROUTE_ID, Duration.ofDays(3)));

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
                .withHeader("X-Pasarela-Delivery-Attempt", equalTo("1"))
                .withHeader(CallbackRoutes.SIGNATURE_HEADER,
                        equalTo(CallbackRoutes.sign(BODY, "whsec_cb", NOW.getEpochSecond(), "e1", 1))));
    }

    @Test
    void theSignatureCoversTheEventIdAndTheAttemptAndStillCarriesTheBodyOnlyV1() throws Exception {
        String signature = CallbackRoutes.sign(BODY, "whsec_cb", 1_780_000_000L, "e1", 3);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("whsec_cb".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String v2 = HexFormat.of().formatHex(mac.doFinal(
                ("1780000000.e1.3." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        String v1 = HexFormat.of().formatHex(mac.doFinal(
                ("1780000000." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        assertThat(signature).isEqualTo("t=1780000000,v1=" + v1 + ",v2=" + v2);
        assertThat(signature).isNotEqualTo(CallbackRoutes.sign(BODY, "whsec_cb", 1_780_000_000L, "e1", 4))
                .isNotEqualTo(CallbackRoutes.sign(BODY, "whsec_cb", 1_780_000_000L, "e2", 3));
    }

    @Test
    void aRetryCarriesItsAttemptNumberAndTheSameEventId() throws Exception {
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(204)));
        Exchange retried = event();
        retried.getIn().setHeader("PasarelaRetries", 2); // back from the broker twice
        routes(Duration.ofSeconds(5)).post(retried);
        CRM.verify(postRequestedFor(urlPathEqualTo("/hooks/pasarela"))
                .withHeader("X-Pasarela-Event-Id", equalTo("e1"))
                .withHeader("X-Pasarela-Delivery-Attempt", equalTo("3"))
                .withHeader(CallbackRoutes.SIGNATURE_HEADER,
                        equalTo(CallbackRoutes.sign(BODY, "whsec_cb", NOW.getEpochSecond(), "e1", 3))));
    }

    @Test
    void anEndpointFailingAgainAndAgainIsParkedWithoutFurtherCalls() {
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(503)));
        CallbackRoutes routes = routes(Duration.ofSeconds(5));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> routes.post(event())).isInstanceOf(TransientException.class)
                    .hasMessage("callback of t1 answered 503");
        }
        assertThatThrownBy(() -> routes.post(event()))
                .isInstanceOfSatisfying(NotTriedException.class, e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(1)))
                .hasMessageContaining("parked");
        // while parked, a callback waits longer for each try it already had: its fourth waits 8 minutes
        Exchange fourthTry = event();
        fourthTry.getIn().setHeader("JMSXDeliveryCount", 4); // tried three times before
        assertThat(ErrorHandling.deliveryAttempt(fourthTry)).isEqualTo(4);
        assertThatThrownBy(() -> routes.post(fourthTry))
                .isInstanceOfSatisfying(NotTriedException.class, e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(8)));
        CRM.verify(2, postRequestedFor(urlPathEqualTo("/hooks/pasarela")));
    }

    @Test
    void aRefusalDoesNotParkTheEndpoint() {
        CRM.stubFor(post(urlPathEqualTo("/hooks/pasarela")).willReturn(aResponse().withStatus(422)));
        CallbackRoutes routes = routes(Duration.ofSeconds(5));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> routes.post(event())).isInstanceOf(PermanentException.class);
        }
        CRM.verify(4, postRequestedFor(urlPathEqualTo("/hooks/pasarela")));
    }

    @Test
    void callbacksRetriedForLessThanADayAreRefusedAtStart() {
        CallbackProperties properties = new CallbackProperties(Duration.ofSeconds(5), Duration.ofSeconds(2), 1);
        assertThatThrownBy(() -> new CallbackRoutes(mock(TenantRepository.class), mock(CredentialVault.class), properties,
                RestClient.builder(), Clock.systemUTC(),
                new CallbackEndpoints(properties, Clock.systemUTC(), new SimpleMeterRegistry()),
                new RetryProperties(5, 500, 8000, 6, 3_600_000, Map.of(CallbackRoutes.ROUTE_ID, Duration.ofHours(2)))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("broker-retries[callbacks.out.deliver]");
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
        // the receiver answers 204 after 4 s: a timeout is the call cut before that answer, by ours
        assertThatThrownBy(() -> routes(Duration.ofMillis(500)).post(event()))
                .isInstanceOf(TransientException.class)
                .hasMessage("callback of t1 unreachable: HttpTimeoutException")
                .satisfies(e -> assertThat(e.getCause().toString()).doesNotContain("crm-secret-token"));
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
