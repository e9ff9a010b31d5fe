package dev.pasarela.integrations.meta;

import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.verify.SignatureVerificationException;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import dev.pasarela.pipeline.verify.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code X-Hub-Signature-256: sha256=<hex>}: HMAC-SHA256 of the exact body bytes with the Meta
 * app secret. Meta ships no Java SDK to do this, and Camel 4.17's WhatsApp webhook processor does
 * not check signatures at all, so it is written here, compared in constant time. Without
 * {@code META_APP_SECRET} every Meta webhook is refused.
 */
@Component
public class MetaSignatureVerifier implements SignatureVerifier {

    public static final String HEADER = "X-Hub-Signature-256";
    private final byte[] appSecret;

    @Autowired
    public MetaSignatureVerifier(MetaWebhookProperties meta) {
        this(meta.appSecret());
    }

    MetaSignatureVerifier(String appSecret) {
        this.appSecret = appSecret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String provider() {
        return MetaWebhookInterpreter.PROVIDER;
    }

    @Override
    public void verify(RawRequest request) throws SignatureVerificationException {
        String header = request.header(HEADER);
        if (header == null || header.isBlank()) {
            throw new SignatureVerificationException(Reason.MISSING_HEADER);
        }
        if (!header.startsWith("sha256=") || header.length() != 7 + 64) {
            throw new SignatureVerificationException(Reason.MALFORMED_HEADER);
        }
        if (appSecret.length == 0) {
            throw new SignatureVerificationException(Reason.MISMATCH); // not configured: nothing can match
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret, "HmacSHA256"));
            expected = HexFormat.of().formatHex(mac.doFinal(request.body())).getBytes(StandardCharsets.US_ASCII);
        } catch (Exception e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        byte[] given = header.substring(7).toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new SignatureVerificationException(Reason.MISMATCH);
        }
    }
}
