package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.verify.SignatureVerificationException;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** X-Hub-Signature-256; Meta's scheme has no timestamp, so replays are stopped by event-id dedupe instead. */
class MetaSignatureVerifierTest {

    static final String SECRET = "app-secret-of-the-meta-app";
    final byte[] body = "{\"object\":\"page\",\"entry\":[{\"text\":\"\\u00e4\\u00f6\\u00e5\"}]}".getBytes(StandardCharsets.UTF_8);

    static String sign(byte[] body, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    void assertReason(MetaSignatureVerifier v, byte[] body, String header, Reason reason) {
        RawRequest r = new RawRequest(body, header == null ? Map.of() : Map.of("x-hub-signature-256", header), "http://x");
        assertThatThrownBy(() -> v.verify(r)).isInstanceOfSatisfying(SignatureVerificationException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void acceptsTheAppSecretsHmacOfTheExactBytes() throws Exception {
        MetaSignatureVerifier v = new MetaSignatureVerifier(SECRET);
        assertThatCode(() -> v.verify(new RawRequest(body, Map.of("X-Hub-Signature-256", sign(body, SECRET)), "http://x")))
                .doesNotThrowAnyException();
        assertThatCode(() -> v.verify(new RawRequest(body, Map.of("X-Hub-Signature-256",
                sign(body, SECRET).toUpperCase().replace("SHA256=", "sha256=")), "http://x"))).doesNotThrowAnyException();
    }

    @Test
    void refusesTamperedBodiesWrongSecretsAndMissingOrMalformedHeaders() throws Exception {
        MetaSignatureVerifier v = new MetaSignatureVerifier(SECRET);
        byte[] decoded = "{\"object\":\"page\",\"entry\":[{\"text\":\"äöå\"}]}".getBytes(StandardCharsets.UTF_8);
        assertReason(v, decoded, sign(body, SECRET), Reason.MISMATCH);
        assertReason(v, body, sign(body, "another-app"), Reason.MISMATCH);
        assertReason(v, body, null, Reason.MISSING_HEADER);
        assertReason(v, body, "sha1=abc", Reason.MALFORMED_HEADER);
        assertReason(new MetaSignatureVerifier(""), body, sign(body, "any"), Reason.MISMATCH); // not configured
    }
}
