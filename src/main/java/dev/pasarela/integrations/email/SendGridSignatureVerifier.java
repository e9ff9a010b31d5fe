package dev.pasarela.integrations.email;

import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.verify.SignatureVerificationException;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import dev.pasarela.pipeline.verify.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * SendGrid's Signed Event Webhook: an ECDSA P-256 / SHA-256 signature (base64 DER) over the
 * timestamp header followed by the exact body bytes, checked with the account's verification key
 * ({@code SENDGRID_WEBHOOK_PUBLIC_KEY}). sendgrid-java's {@code EventWebhook} does the same but
 * needs BouncyCastle registered as a provider; the JDK's SunEC verifies the same signatures.
 * SendGrid documents no timestamp tolerance: {@code pasarela.sendgrid.tolerance-seconds}, either way.
 */
@Component
public class SendGridSignatureVerifier implements SignatureVerifier {

    public static final String SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature";
    public static final String TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp";

    private final PublicKey key;
    private final long toleranceSeconds;
    private final Clock clock;

    @Autowired
    public SendGridSignatureVerifier(SendGridWebhookProperties sendgrid, Clock clock) {
        this(sendgrid.webhookPublicKey(), sendgrid.toleranceSeconds(), clock);
    }

    SendGridSignatureVerifier(String publicKey, long toleranceSeconds, Clock clock) {
        this.key = publicKey.isBlank() ? null : parse(publicKey.trim());
        this.toleranceSeconds = toleranceSeconds;
        this.clock = clock;
    }

    static PublicKey parse(String base64Der) {
        try {
            PublicKey k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                    .decode(base64Der)));
            if (!(k instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException("not a P-256 key");
            }
            return k;
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalStateException("SENDGRID_WEBHOOK_PUBLIC_KEY (pasarela.sendgrid.webhook-public-key) must be "
                    + "the Event Webhook's verification key as SendGrid shows it: base64 DER, MFkwEwYHKoZIzj0CAQYI…");
        }
    }

    @Override
    public String provider() {
        return SendGridWebhookInterpreter.PROVIDER;
    }

    @Override
    public void verify(RawRequest request) throws SignatureVerificationException {
        String signature = request.header(SIGNATURE);
        String timestamp = request.header(TIMESTAMP);
        if (signature == null || signature.isBlank() || timestamp == null || timestamp.isBlank()) {
            throw new SignatureVerificationException(Reason.MISSING_HEADER);
        }
        long seconds;
        byte[] der;
        try {
            seconds = Long.parseLong(timestamp.trim());
            der = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            throw new SignatureVerificationException(Reason.MALFORMED_HEADER);
        }
        if (key == null) {
            throw new SignatureVerificationException(Reason.MISMATCH); // not configured: nothing can match
        }
        boolean valid;
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(key);
            ecdsa.update(timestamp.getBytes(StandardCharsets.UTF_8));
            ecdsa.update(request.body());
            valid = ecdsa.verify(der);
        } catch (java.security.SignatureException malformedDer) {
            valid = false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withECDSA unavailable", e);
        }
        if (!valid) {
            throw new SignatureVerificationException(Reason.MISMATCH);
        }
        // checked after the signature, so an attacker cannot learn the window from unsigned probes
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > toleranceSeconds) {
            throw new SignatureVerificationException(Reason.STALE_TIMESTAMP);
        }
    }
}
