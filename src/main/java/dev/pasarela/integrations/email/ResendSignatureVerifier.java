package dev.pasarela.integrations.email;

import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.verify.SignatureVerificationException;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import dev.pasarela.pipeline.verify.SignatureVerifier;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Resend signs its webhooks through Svix: {@code svix-signature} lists {@code v1,<base64>} values of
 * HMAC-SHA256(base64-decoded part of the {@code whsec_} secret, {@code id.timestamp.body}). A port
 * of the Svix SDK's {@code Webhook.verify} (the SDK is a whole API client; only this is needed), with
 * its 5-minute tolerance both ways and its unbranded {@code webhook-*} header names as fallback, but
 * over the exact body bytes rather than a decoded String.
 */
@Component
public class ResendSignatureVerifier implements SignatureVerifier {

    public static final String ID = "svix-id";
    public static final String TIMESTAMP = "svix-timestamp";
    public static final String SIGNATURE = "svix-signature";

    private final byte[] key;
    private final long toleranceSeconds;
    private final Clock clock;

    @Autowired
    public ResendSignatureVerifier(ResendWebhookProperties resend, Clock clock) {
        this(resend.webhookSecret(), resend.toleranceSeconds(), clock);
    }

    ResendSignatureVerifier(String secret, long toleranceSeconds, Clock clock) {
        this.key = secret.isBlank() ? null : decode(secret.trim());
        this.toleranceSeconds = toleranceSeconds;
        this.clock = clock;
    }

    static byte[] decode(String secret) {
        try {
            byte[] k = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
            if (k.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return k;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("RESEND_WEBHOOK_SECRET (pasarela.resend.webhook-secret) must be the "
                    + "endpoint's signing secret as Resend shows it: whsec_ followed by base64");
        }
    }

    @Override
    public String provider() {
        return ResendWebhookInterpreter.PROVIDER;
    }

    /** Svix's branded header, else its unbranded one, as the SDK reads them. */
    static String header(RawRequest request, String svixName) {
        String v = request.header(svixName);
        return v != null ? v : request.header(svixName.replace("svix-", "webhook-"));
    }

    @Override
    public void verify(RawRequest request) throws SignatureVerificationException {
        String id = header(request, ID);
        String timestamp = header(request, TIMESTAMP);
        String signatures = header(request, SIGNATURE);
        if (id == null || timestamp == null || signatures == null || id.isBlank() || signatures.isBlank()) {
            throw new SignatureVerificationException(Reason.MISSING_HEADER);
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new SignatureVerificationException(Reason.MALFORMED_HEADER);
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > toleranceSeconds) {
            throw new SignatureVerificationException(Reason.STALE_TIMESTAMP);
        }
        if (key == null) {
            throw new SignatureVerificationException(Reason.MISMATCH); // not configured: nothing can match
        }
        byte[] expected = Base64.getEncoder().encode(sign(id, timestamp, request.body()));
        for (String entry : signatures.trim().split(" ")) {
            String[] parts = entry.split(",", 2);
            if (parts.length == 2 && parts[0].equals("v1")
                    && MessageDigest.isEqual(expected, parts[1].getBytes(StandardCharsets.US_ASCII))) {
                return;
            }
        }
        throw new SignatureVerificationException(Reason.MISMATCH);
    }

    private byte[] sign(String id, String timestamp, byte[] body) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        content.writeBytes(body);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.toByteArray());
        } catch (Exception e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
