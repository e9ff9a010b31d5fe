package dev.pasarela.integrations.stripe;

import static dev.pasarela.support.StripeFixtures.OTHER_SECRET;
import static dev.pasarela.support.StripeFixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.net.Webhook;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.verify.SignatureVerificationException;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import dev.pasarela.support.StripeFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StripeSignatureVerifierTest {

    static final long NOW = 1_760_000_000L;
    final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    final StripeSignatureVerifier verifier = new StripeSignatureVerifier(SECRET, 300, clock);
    final byte[] body = StripeFixtures.bytes("customer.subscription.updated.basil.json");

    RawRequest request(byte[] body, String signature) {
        return new RawRequest(body, signature == null ? Map.of() : Map.of("stripe-signature", signature), "http://x");
    }

    @Test
    void acceptsTheDocumentedSchemeOverExactNonAsciiBytes() throws Exception {
        assertThat(new String(body, StandardCharsets.UTF_8)).contains("Logroño", "🚗", "—");
        String header = StripeFixtures.sign(body, SECRET, NOW);
        // cross-check: stripe-java computes the same HMAC and accepts the header
        String payload = new String(body, StandardCharsets.UTF_8);
        assertThat(header).isEqualTo("t=" + NOW + ",v1=" + Webhook.Util.computeHmacSha256(SECRET, NOW + "." + payload));
        assertThat(Webhook.constructEvent(payload, header, SECRET, 300, clock).getId())
                .isEqualTo("evt_1RyZqHLkdIwHu7ixd5xA2yQp");
        verifier.verify(request(body, header));
    }

    /** Our check over the bytes answers as stripe-java's over the text, for any body and any secret. */
    @Test
    void agreesWithStripeJavaOnRandomBodiesAndHeaders() throws Exception {
        java.util.Random random = new java.util.Random(14);
        int[] alphabet = "abcñé{}\":, 0129🚗—\n\\".codePoints().toArray();
        for (int i = 0; i < 300; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(600); n > 0; n--) {
                text.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
            }
            String payload = text.toString();
            String signer = random.nextInt(4) == 0 ? OTHER_SECRET : SECRET;
            String header = "t=" + NOW + ",v1=" + Webhook.Util.computeHmacSha256(signer, NOW + "." + payload);
            if (random.nextInt(3) == 0) {
                header += ",v0=" + Webhook.Util.computeHmacSha256(SECRET, "x") + ",v1=00ff";
            }
            boolean stripeJava;
            try {
                Webhook.Signature.verifyHeader(payload, header, SECRET, 0);
                stripeJava = true;
            } catch (com.stripe.exception.SignatureVerificationException e) {
                stripeJava = false;
            }
            RawRequest request = request(payload.getBytes(StandardCharsets.UTF_8), header);
            if (stripeJava) {
                assertThatCode(() -> verifier.verify(request)).as("case %d", i).doesNotThrowAnyException();
            } else {
                assertReason(request, Reason.MISMATCH);
            }
        }
    }

    @Test
    void acceptsWhenAnyV1MatchesAndIgnoresV0() {
        String header = StripeFixtures.sign(body, SECRET, NOW) + ",v1=bad_signature,v0=6ffbb59b2300aae63f27240606";
        assertThatCode(() -> verifier.verify(request(body, header))).doesNotThrowAnyException();
    }

    @Test
    void refusesAHeaderWithOnlyV0() {
        String v1 = StripeFixtures.sign(body, SECRET, NOW);
        String onlyV0 = v1.replace("v1=", "v0=");
        assertReason(request(body, onlyV0), Reason.MALFORMED_HEADER);
    }

    @Test
    void refusesATamperedBody() {
        String header = StripeFixtures.sign(body, SECRET, NOW);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("\"active\"", "\"canceled\"")
                .getBytes(StandardCharsets.UTF_8);
        assertReason(request(tampered, header), Reason.MISMATCH);
    }

    @Test
    void refusesBytesReencodedThroughAnotherCharset() {
        // what a charset-decoding HTTP binding would hand over: the same text, other bytes
        byte[] latin1 = new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1);
        assertReason(request(latin1, StripeFixtures.sign(body, SECRET, NOW)), Reason.MISMATCH);
    }

    @Test
    void refusesBytesThatAreNotUtf8EvenWhenTheirHmacMatches() throws Exception {
        byte[] latin1 = "{\"nombre\":\"Peña\"}".getBytes(StandardCharsets.ISO_8859_1); // 0xF1 alone: not UTF-8
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((NOW + ".").getBytes(StandardCharsets.UTF_8));
        String header = "t=" + NOW + ",v1=" + java.util.HexFormat.of().formatHex(mac.doFinal(latin1));
        assertReason(request(latin1, header), Reason.MISMATCH);
    }

    @Test
    void refusesAWrongSecret() {
        assertReason(request(body, StripeFixtures.sign(body, "whsec_someone_else", NOW)), Reason.MISMATCH);
    }

    @Test
    void refusesAnOldTimestampAndOneTooFarAhead() {
        assertReason(request(body, StripeFixtures.sign(body, SECRET, NOW - 301)), Reason.STALE_TIMESTAMP);
        assertReason(request(body, StripeFixtures.sign(body, SECRET, NOW + 301)), Reason.STALE_TIMESTAMP);
        assertThatCode(() -> verifier.verify(request(body, StripeFixtures.sign(body, SECRET, NOW - 299))))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesMissingAndMalformedHeaders() {
        assertReason(request(body, null), Reason.MISSING_HEADER);
        assertReason(request(body, "garbage"), Reason.MALFORMED_HEADER);
        assertReason(request(body, "t=abc,v1=00"), Reason.MALFORMED_HEADER);
    }

    @Test
    void acceptsEverySecretOfARotation() throws Exception {
        StripeSignatureVerifier rotating = new StripeSignatureVerifier(SECRET + ", " + OTHER_SECRET, 300, clock);
        rotating.verify(request(body, StripeFixtures.sign(body, SECRET, NOW)));
        rotating.verify(request(body, StripeFixtures.sign(body, OTHER_SECRET, NOW)));
        assertThatThrownBy(() -> rotating.verify(request(body, StripeFixtures.sign(body, "whsec_x", NOW))))
                .isInstanceOf(SignatureVerificationException.class);
    }

    @Test
    void refusesToStartWithoutAWellFormedSecret() {
        assertThatThrownBy(() -> new StripeSignatureVerifier("", 300, clock))
                .hasMessageContaining("STRIPE_WEBHOOK_SECRET");
        assertThatThrownBy(() -> new StripeSignatureVerifier("sk_test_notawebhooksecret", 300, clock))
                .hasMessageContaining("STRIPE_WEBHOOK_SECRET").hasMessageNotContaining("sk_test_notawebhooksecret");
    }

    private void assertReason(RawRequest request, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(request))
                .isInstanceOfSatisfying(SignatureVerificationException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
