package dev.pasarela.integrations.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendgrid.helpers.eventwebhook.EventWebhook;
import com.sendgrid.helpers.eventwebhook.EventWebhookHeader;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.verify.SignatureVerificationException;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import dev.pasarela.support.GatewayTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.Security;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SendGrid's ECDSA Event Webhook signature against sendgrid-java's own example and EventWebhook. */
class SendGridSignatureVerifierTest {

    // sendgrid-java's EventWebhookTest: its key, timestamp and signature of sdk-example.dropped.json
    static final String SDK_KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
    static final String SDK_TIMESTAMP = "1600112502";
    static final String SDK_SIGNATURE = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
    static final String OTHER_KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==";

    @BeforeAll
    static void bouncyCastle() {
        Security.addProvider(new BouncyCastleProvider()); // EventWebhook asks for "BC"
    }

    static byte[] fixture(String name) {
        try (var in = SendGridSignatureVerifierTest.class.getResourceAsStream("/sendgrid/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SendGridSignatureVerifier at(String key, long epochSecond) {
        return new SendGridSignatureVerifier(key, 300, Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }

    static RawRequest request(byte[] body, String signature, String timestamp) {
        Map<String, String> h = new HashMap<>();
        if (signature != null) {
            h.put(EventWebhookHeader.SIGNATURE.toString(), signature);
        }
        if (timestamp != null) {
            h.put(EventWebhookHeader.TIMESTAMP.toString(), timestamp);
        }
        return new RawRequest(body, h, "https://gw.example/webhooks/sendgrid");
    }

    static Reason refusal(SendGridSignatureVerifier v, RawRequest r) {
        try {
            v.verify(r);
            return null;
        } catch (SignatureVerificationException e) {
            return e.reason();
        }
    }

    @Test
    void sendgridsPublishedExampleIsAcceptedWithItsTrailingCrLf() throws Exception {
        byte[] body = fixture("sdk-example.dropped.json");
        assertThat(new String(body)).endsWith("}]\r\n");
        EventWebhook sdk = new EventWebhook();
        assertThat(sdk.VerifySignature(sdk.ConvertPublicKeyToECDSA(SDK_KEY), body, SDK_SIGNATURE, SDK_TIMESTAMP)).isTrue();
        assertThat(refusal(at(SDK_KEY, 1600112502L + 10), request(body, SDK_SIGNATURE, SDK_TIMESTAMP))).isNull();
        byte[] trimmed = new String(body).trim().getBytes();
        assertThat(refusal(at(SDK_KEY, 1600112502L), request(trimmed, SDK_SIGNATURE, SDK_TIMESTAMP))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void whatWeSignTheSdkAcceptsAndSoDoWe() throws Exception {
        byte[] body = fixture("events.batch.json");
        String ts = Long.toString(Instant.now().getEpochSecond());
        String sig = EmailSigning.sendGrid(ts, body);
        EventWebhook sdk = new EventWebhook();
        assertThat(sdk.VerifySignature(sdk.ConvertPublicKeyToECDSA(GatewayTest.SENDGRID_PUBLIC_KEY), body, sig, ts)).isTrue();
        assertThat(refusal(at(GatewayTest.SENDGRID_PUBLIC_KEY, Long.parseLong(ts)), request(body, sig, ts))).isNull();
    }

    @Test
    void aTamperedBodyOrTimestampIsRefused() {
        byte[] body = fixture("sdk-example.dropped.json");
        byte[] tampered = new String(body).replace("dropped", "delivered").getBytes();
        SendGridSignatureVerifier v = at(SDK_KEY, 1600112502L);
        assertThat(refusal(v, request(tampered, SDK_SIGNATURE, SDK_TIMESTAMP))).isEqualTo(Reason.MISMATCH);
        assertThat(refusal(v, request(body, SDK_SIGNATURE, "1600112503"))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void anotherKeyRefusesTheSignature() {
        byte[] body = fixture("sdk-example.dropped.json");
        assertThat(refusal(at(OTHER_KEY, 1600112502L), request(body, SDK_SIGNATURE, SDK_TIMESTAMP))).isEqualTo(Reason.MISMATCH);
        assertThat(refusal(at("", 1600112502L), request(body, SDK_SIGNATURE, SDK_TIMESTAMP))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void anOldOrFutureTimestampIsRefusedEvenWhenSigned() {
        byte[] body = fixture("sdk-example.dropped.json");
        assertThat(refusal(at(SDK_KEY, 1600112502L + 301), request(body, SDK_SIGNATURE, SDK_TIMESTAMP)))
                .isEqualTo(Reason.STALE_TIMESTAMP);
        assertThat(refusal(at(SDK_KEY, 1600112502L - 301), request(body, SDK_SIGNATURE, SDK_TIMESTAMP)))
                .isEqualTo(Reason.STALE_TIMESTAMP);
    }

    @Test
    void missingOrMalformedHeadersAreRefused() {
        byte[] body = fixture("sdk-example.dropped.json");
        SendGridSignatureVerifier v = at(SDK_KEY, 1600112502L);
        assertThat(refusal(v, request(body, null, SDK_TIMESTAMP))).isEqualTo(Reason.MISSING_HEADER);
        assertThat(refusal(v, request(body, SDK_SIGNATURE, null))).isEqualTo(Reason.MISSING_HEADER);
        assertThat(refusal(v, request(body, SDK_SIGNATURE, "timestamp"))).isEqualTo(Reason.MALFORMED_HEADER);
        assertThat(refusal(v, request(body, "not base64!", SDK_TIMESTAMP))).isEqualTo(Reason.MALFORMED_HEADER);
        assertThat(refusal(v, request(body, "AAAA", SDK_TIMESTAMP))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void aMalformedKeyFailsAtStartNamingTheVariable() {
        assertThatThrownBy(() -> at("-----BEGIN PUBLIC KEY-----", 0)).hasMessageContaining("SENDGRID_WEBHOOK_PUBLIC_KEY");
    }
}
