package dev.pasarela.integrations.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/** twilio-java's Message.creator over the RestClient transport, against a stand-in of Twilio's API. */
class TwilioTransportTest {

    static final WireMockServer TWILIO = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final String SID = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String PATH = "/2010-04-01/Accounts/" + SID + "/Messages.json";

    static {
        TWILIO.start();
    }

    @AfterAll
    static void stop() {
        TWILIO.stop();
    }

    @BeforeEach
    void reset() {
        TWILIO.resetAll();
    }

    /** Twilio's answer to a message it accepted. */
    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder queued() {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}");
    }

    static TwilioRestClient client(Duration timeout) {
        // a connect timeout longer than the stand-in's delays: a read cut by the connect timeout fails the slow case
        TwilioTransport transport = new TwilioTransport(RestClient.builder(),
                new TwilioProperties(TWILIO.baseUrl() + "/", timeout, Duration.ofSeconds(30)));
        return new TwilioRestClient.Builder(SID, "auth-token").accountSid(SID).httpClient(transport).build();
    }

    static Message send(TwilioRestClient client) {
        return Message.creator(new PhoneNumber("+5215512345678"), new PhoneNumber("+15005550006"), "Su cita es mañana")
                .create(client);
    }

    @Test
    void theSdksFormAndBasicAuthReachTheConfiguredBaseAndItsAnswerIsRead() {
        TWILIO.stubFor(post(urlEqualTo(PATH)).willReturn(queued()));
        assertThat(send(client(Duration.ofSeconds(5))).getSid()).isEqualTo("SM0123456789abcdef0123456789abcdef");
        TWILIO.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Basic " + Base64.getEncoder()
                        .encodeToString((SID + ":auth-token").getBytes(StandardCharsets.UTF_8))))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                .withRequestBody(containing("Body=Su+cita+es+ma%C3%B1ana")));
    }

    @Test
    void twiliosErrorBodyIsTheSdksApiExceptionWithTheCode() {
        TWILIO.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":21211,\"message\":\"The 'To' number is not a valid phone number.\","
                        + "\"more_info\":\"https://www.twilio.com/docs/errors/21211\",\"status\":400}")));
        assertThatThrownBy(() -> send(client(Duration.ofSeconds(5))))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(21211));
    }

    @Test
    void aSlowTwilioIsAConnectionFailureOnceTheTimeoutPasses() {
        TWILIO.stubFor(post(urlEqualTo(PATH)).willReturn(queued().withFixedDelay(3000)));
        // Twilio answers 201 after 3 s: a read timeout is the call cut before that answer, by ours
        assertThatThrownBy(() -> send(client(Duration.ofMillis(300))))
                .isInstanceOf(ApiConnectionException.class).hasMessage("Twilio unreachable: SocketTimeoutException");
    }

    /** The transport names the failure once; the sender must not say "Twilio unreachable: Twilio unreachable: …". */
    @Test
    void anUnreachableTwilioIsSaidOnceAndRetried() {
        TWILIO.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(201).withFixedDelay(3000)));
        dev.pasarela.security.CredentialVault vault = org.mockito.Mockito.mock(dev.pasarela.security.CredentialVault.class);
        org.mockito.Mockito.when(vault.credentials("t1", "twilio")).thenReturn(java.util.Optional.of(
                java.util.Map.of("accountSid", SID, "authToken", "auth-token", "phoneNumber", "+15005550006")));
        TwilioSmsSender sender = new TwilioSmsSender(vault, org.mockito.Mockito.mock(dev.pasarela.tenants.TenantRepository.class),
                new TwilioTransport(RestClient.builder(), new TwilioProperties(TWILIO.baseUrl() + "/",
                        Duration.ofMillis(300), Duration.ofSeconds(30))),
                new TwilioWebhookProperties("", ""));
        assertThatThrownBy(() -> sender.send(new dev.pasarela.messaging.OutboundMessage("m1", "t1", "sms", "+15017122661",
                        java.util.Map.of(), "2026-01-01T00:00:00Z", "cpy_1"), SmsRequest.text("Hola", null)))
                .isInstanceOf(dev.pasarela.pipeline.errors.TransientException.class)
                .hasMessage("Twilio unreachable: SocketTimeoutException");
    }
}
