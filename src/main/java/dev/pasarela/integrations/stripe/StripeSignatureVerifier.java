package dev.pasarela.integrations.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import dev.pasarela.pipeline.verify.SignatureVerifier;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code Stripe-Signature}: stripe-java's {@link Webhook.Signature} matches the v1 HMACs (v0
 * ignored, any v1 may match). What it lacks we add: several endpoint secrets during a rotation,
 * refusing timestamps too far in the future as well as the past, and a reason per refusal.
 */
@Component
public class StripeSignatureVerifier implements SignatureVerifier {

    public static final String HEADER = "Stripe-Signature";

    private final List<String> secrets;
    private final long toleranceSeconds;
    private final Clock clock;

    @Autowired
    public StripeSignatureVerifier(StripeProperties stripe, Clock clock) {
        this(stripe.webhookSecret(), stripe.toleranceSeconds(), clock);
    }

    StripeSignatureVerifier(String secrets, long toleranceSeconds, Clock clock) {
        this.secrets = StripeProperties.webhookSecrets(secrets);
        StripeProperties.secretProblems(this.secrets).stream().findFirst().ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        this.toleranceSeconds = toleranceSeconds;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return StripeWebhookInterpreter.PROVIDER;
    }

    @Override
    public int failureStatus() {
        return 400;
    }

    @Override
    public void verify(RawRequest request) throws dev.pasarela.pipeline.verify.SignatureVerificationException {
        String header = request.header(HEADER);
        if (header == null || header.isBlank()) {
            throw new dev.pasarela.pipeline.verify.SignatureVerificationException(Reason.MISSING_HEADER);
        }
        long timestamp = timestamp(header);
        if (timestamp <= 0 || !header.contains("v1=")) {
            throw new dev.pasarela.pipeline.verify.SignatureVerificationException(Reason.MALFORMED_HEADER);
        }
        if (Math.abs(clock.instant().getEpochSecond() - timestamp) > toleranceSeconds) {
            throw new dev.pasarela.pipeline.verify.SignatureVerificationException(Reason.STALE_TIMESTAMP);
        }
        // Stripe signs the UTF-8 text of the body: strict decoding gives back exactly the bytes
        // received, and bytes that are not UTF-8 cannot carry a Stripe signature
        String payload;
        try {
            payload = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(request.body())).toString();
        } catch (CharacterCodingException notUtf8) {
            throw new dev.pasarela.pipeline.verify.SignatureVerificationException(Reason.MISMATCH);
        }
        for (String secret : secrets) {
            try {
                Webhook.Signature.verifyHeader(payload, header, secret, 0); // tolerance checked above
                return;
            } catch (SignatureVerificationException mismatch) {
                // try the next secret
            }
        }
        throw new dev.pasarela.pipeline.verify.SignatureVerificationException(Reason.MISMATCH);
    }

    private static long timestamp(String header) {
        for (String item : header.split(",")) {
            String[] kv = item.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                try {
                    return Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
