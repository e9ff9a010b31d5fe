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

    /**
     * Our check over the bytes answers as stripe-java's over the text, for any body, any secret and
     * the header's edge cases: spaces around items, upper-case hex, an empty or extra {@code v1}, a
     * second {@code t}, a {@code t} that is no number.
     */
    @Test
    void agreesWithStripeJavaOnRandomBodiesAndHeaders() throws Exception {
        java.util.Random random = new java.util.Random(14);
        int[] alphabet = "abcñé{}\":, 0129🚗—\n\\".codePoints().toArray();
        int accepted = 0;
        for (int i = 0; i < 400; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(600); n > 0; n--) {
                text.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
            }
            String payload = text.toString();
            String signer = random.nextInt(4) == 0 ? OTHER_SECRET : SECRET;
            String v1 = Webhook.Util.computeHmacSha256(signer, NOW + "." + payload);
            String header = switch (random.nextInt(9)) {
                case 0 -> "t=" + NOW + ",v1=" + v1 + ",v0=" + Webhook.Util.computeHmacSha256(SECRET, "x") + ",v1=00ff";
                case 1 -> "t=" + NOW + ", v1=" + v1;
                case 2 -> " t=" + NOW + ",v1=" + v1;
                case 3 -> "t=" + NOW + ",v1=" + v1.toUpperCase(java.util.Locale.ROOT);
                case 4 -> "t=" + NOW + ",v1=,v1=" + v1;
                case 5 -> "t=" + NOW + ",v1=";
                case 6 -> "t=" + NOW + ",t=" + (NOW + 1) + ",v1=" + v1;
                case 7 -> "t=x" + NOW + ",v1=" + v1;
                default -> "t=" + NOW + ",v1=" + v1;
            };
            boolean stripeJava;
            try {
                Webhook.Signature.verifyHeader(payload, header, SECRET, 0);
                stripeJava = true;
            } catch (com.stripe.exception.SignatureVerificationException | RuntimeException e) {
                stripeJava = false; // a t that is no number: stripe-java's parse throws
            }
            RawRequest request = request(payload.getBytes(StandardCharsets.UTF_8), header);
            if (stripeJava) {
                accepted++;
                assertThatCode(() -> verifier.verify(request)).as("case %d: %s", i, header).doesNotThrowAnyException();
            } else {
                assertThatThrownBy(() -> verifier.verify(request)).as("case %d: %s", i, header)
                        .isInstanceOf(SignatureVerificationException.class);
            }
        }
        assertThat(accepted).as("cases stripe-java accepts").isBetween(100, 300);
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
        assertReason(request(latin1, signedBytes(latin1)), Reason.MISMATCH);
    }

    /** What a strict decoder refuses too: an overlong "/", a lone surrogate (CESU-8), a code point past U+10FFFF. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"C0AF", "EDA080", "F4908080"})
    void refusesMalformedUtf8(String hex) throws Exception {
        byte[] bad = java.util.HexFormat.of().parseHex("7B2261223A22" + hex + "227D"); // {"a":"…"}
        assertReason(request(bad, signedBytes(bad)), Reason.MISMATCH);
        byte[] good = "{\"a\":\"Peña 🚗\"}".getBytes(StandardCharsets.UTF_8);
        assertThatCode(() -> verifier.verify(request(good, signedBytes(good)))).doesNotThrowAnyException();
    }

    private static String signedBytes(byte[] raw) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((NOW + ".").getBytes(StandardCharsets.UTF_8));
        return "t=" + NOW + ",v1=" + java.util.HexFormat.of().formatHex(mac.doFinal(raw));
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
