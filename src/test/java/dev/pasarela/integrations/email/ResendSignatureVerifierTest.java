package dev.pasarela.integrations.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.svix.Webhook;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.verify.SignatureVerificationException;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resend's Svix signatures against the Svix Java SDK: what it signs we accept, what it refuses we refuse. */
class ResendSignatureVerifierTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String OTHER = "whsec_bxjY/QpFSj3CjDB5gmlug7x7cv/f/vx+6Qruj1eZEao=";
    static final String BODY = "{\"type\":\"email.delivered\",\"created_at\":\"2024-11-22T23:41:12.126Z\",\"data\":"
            + "{\"email_id\":\"56761188-7520-42d8-8898-ff6fc54ce618\",\"to\":[\"José <jose@ejemplo.es>\"],\"subject\":\"¿Cita? 🚗\"}}";
    static final long NOW = 1_732_318_872L;

    static ResendSignatureVerifier at(String secret, long now) {
        return new ResendSignatureVerifier(secret, 300, Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
    }

    static RawRequest request(String body, Map<String, String> headers) {
        return new RawRequest(body.getBytes(StandardCharsets.UTF_8), headers, "https://gw.example/webhooks/resend");
    }

    static Reason refusal(ResendSignatureVerifier v, RawRequest r) {
        try {
            v.verify(r);
            return null;
        } catch (SignatureVerificationException e) {
            return e.reason();
        }
    }

    @Test
    void whatTheSvixSdkSignsIsAcceptedOverNonAsciiBytes() throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, String> headers = EmailSigning.svix(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", now, BODY);
        new Webhook(SECRET).verify(BODY, EmailSigning.multi(headers)); // the SDK agrees it is signed
        assertThat(refusal(at(SECRET, now), request(BODY, headers))).isNull();
    }

    @Test
    void aListOfSignaturesMatchesOnAnyV1AndUnbrandedHeadersWork() {
        Map<String, String> h = EmailSigning.svix(SECRET, "msg_1", NOW, BODY);
        String sig = h.get("svix-signature");
        h.put("svix-signature", "v2,AAAA v1,bm90IGl0 " + sig);
        assertThat(refusal(at(SECRET, NOW), request(BODY, h))).isNull();
        Map<String, String> unbranded = new HashMap<>();
        unbranded.put("webhook-id", "msg_1");
        unbranded.put("webhook-timestamp", Long.toString(NOW));
        unbranded.put("Webhook-Signature", sig);
        assertThat(refusal(at(SECRET, NOW), request(BODY, unbranded))).isNull();
    }

    @Test
    void aTamperedBodyOrIdIsRefusedAsTheSdkRefusesIt() {
        Map<String, String> h = EmailSigning.svix(SECRET, "msg_1", NOW, BODY);
        String tampered = BODY.replace("delivered", "bounced");
        assertThat(refusal(at(SECRET, NOW), request(tampered, h))).isEqualTo(Reason.MISMATCH);
        long now = Instant.now().getEpochSecond();
        Map<String, String> fresh = EmailSigning.svix(SECRET, "msg_1", now, BODY);
        assertThatThrownBy(() -> new Webhook(SECRET).verify(tampered, EmailSigning.multi(fresh))).isNotNull();
        h.put("svix-id", "msg_2");
        assertThat(refusal(at(SECRET, NOW), request(BODY, h))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void aWrongSecretIsRefused() {
        Map<String, String> h = EmailSigning.svix(OTHER, "msg_1", NOW, BODY);
        assertThat(refusal(at(SECRET, NOW), request(BODY, h))).isEqualTo(Reason.MISMATCH);
        assertThat(refusal(at("", NOW), request(BODY, h))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void timestampsMoreThanFiveMinutesOffEitherWayAreRefused() {
        Map<String, String> h = EmailSigning.svix(SECRET, "msg_1", NOW, BODY);
        assertThat(refusal(at(SECRET, NOW + 300), request(BODY, h))).isNull();
        assertThat(refusal(at(SECRET, NOW + 301), request(BODY, h))).isEqualTo(Reason.STALE_TIMESTAMP);
        assertThat(refusal(at(SECRET, NOW - 301), request(BODY, h))).isEqualTo(Reason.STALE_TIMESTAMP);
        h.put("svix-timestamp", "yesterday");
        assertThat(refusal(at(SECRET, NOW), request(BODY, h))).isEqualTo(Reason.MALFORMED_HEADER);
    }

    @Test
    void aMissingHeaderIsRefused() {
        for (String name : new String[] {"svix-id", "svix-timestamp", "svix-signature"}) {
            Map<String, String> h = EmailSigning.svix(SECRET, "msg_1", NOW, BODY);
            h.remove(name);
            assertThat(refusal(at(SECRET, NOW), request(BODY, h))).as(name).isEqualTo(Reason.MISSING_HEADER);
        }
    }

    @Test
    void aMalformedSecretFailsAtStartNamingTheVariable() {
        assertThatThrownBy(() -> at("whsec_!!!", NOW)).hasMessageContaining("RESEND_WEBHOOK_SECRET");
        assertThatThrownBy(() -> at("whsec_", NOW)).hasMessageContaining("RESEND_WEBHOOK_SECRET");
    }
}
