package dev.pasarela.integrations.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.messaging.OutboundMessage;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.security.CredentialVault;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/** The SendGrid and Resend calls on their own, against one stand-in: timeouts, Retry-After, error details. */
class EmailSenderTest {

    static final WireMockServer PROVIDERS = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        PROVIDERS.start();
    }

    @AfterAll
    static void stop() {
        PROVIDERS.stop();
    }

    @BeforeEach
    void reset() {
        PROVIDERS.resetAll();
    }

    static EmailSender sender(Duration timeout) {
        CredentialVault vault = mock(CredentialVault.class);
        when(vault.credentials("t1", "sendgrid")).thenReturn(Optional.of(Map.of("apiKey", "SG.secret-key")));
        when(vault.credentials("t1", "resend")).thenReturn(Optional.of(Map.of("apiKey", "re_secret_key")));
        EmailProperties properties = new EmailProperties(
                // a connect timeout longer than the stand-in's delays: a read cut by it fails the slow case
                new EmailProperties.Email("sendgrid", "Autos <no-reply@autos.example>", timeout,
                        Duration.ofSeconds(30), new EmailProperties.Breaker(Duration.ofSeconds(30))),
                new EmailProperties.SendGrid(PROVIDERS.baseUrl()), new EmailProperties.Resend(PROVIDERS.baseUrl()));
        return new EmailSender(vault, new SimpleMeterRegistry(), properties, RestClient.builder(), new ObjectMapper(),
                Clock.systemUTC());
    }

    static OutboundMessage message() {
        return new OutboundMessage("msg_1", "t1", "email", "cliente@example.com",
                Map.of("subject", "Su cita", "html", "<p>Mañana a las 10</p>"), "2026-06-01T10:00:00Z", "cpy_1");
    }

    @Test
    void aSendGridSlowerThanItsTimeoutFailsOverToResend() {
        PROVIDERS.stubFor(post(urlEqualTo("/v3/mail/send")).willReturn(aResponse().withStatus(202).withFixedDelay(5000)));
        PROVIDERS.stubFor(post(urlEqualTo("/emails")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"re-4ef9a417\"}")));
        EmailSender sender = sender(Duration.ofSeconds(1));
        // SendGrid accepts after 5 s: Resend's id is the SendGrid call cut before that answer, by the timeout
        assertThat(sender.send(message())).isEqualTo("re-4ef9a417");
        PROVIDERS.verify(1, postRequestedFor(urlEqualTo("/v3/mail/send")));
        PROVIDERS.verify(postRequestedFor(urlEqualTo("/emails"))
                .withHeader("Authorization", equalTo("Bearer re_secret_key"))
                .withHeader("Idempotency-Key", equalTo("msg_1")));
    }

    @Test
    void whenBothAreRateLimitedTheSoonestRetryAfterIsKept() {
        PROVIDERS.stubFor(post(urlEqualTo("/v3/mail/send")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "30").withBody("{\"errors\":[{\"message\":\"too many requests\"}]}")));
        PROVIDERS.stubFor(post(urlEqualTo("/emails")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"name\":\"rate_limit_exceeded\",\"message\":\"Too many requests\"}")));
        assertThatThrownBy(() -> sender(Duration.ofSeconds(5)).send(message()))
                .isInstanceOfSatisfying(TransientException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(3)));
    }

    @Test
    void anAnswerThatIsNotTheProvidersErrorIsNotCopiedIntoTheFailure() {
        PROVIDERS.stubFor(post(urlEqualTo("/v3/mail/send")).willReturn(aResponse().withStatus(502)
                .withBody("<html>upstream echo: cliente@example.com Mañana a las 10 SG.secret-key</html>")));
        PROVIDERS.stubFor(post(urlEqualTo("/emails")).willReturn(aResponse().withStatus(503)));
        assertThatThrownBy(() -> sender(Duration.ofSeconds(5)).send(message())).isInstanceOf(TransientException.class)
                .hasMessageContaining("SendGrid HTTP 502")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret").doesNotContain("cliente@")
                        .doesNotContain("Mañana"));
    }
}
