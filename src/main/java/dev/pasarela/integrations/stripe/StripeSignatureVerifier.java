package dev.pasarela.integrations.stripe;

import com.google.common.base.Utf8;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import dev.pasarela.pipeline.verify.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code Stripe-Signature}: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t." + body>}, several
 * {@code v1} (any may match), {@code v0} ignored, as stripe-java's {@code Webhook.Signature} checks
 * it. The check is ours because that method takes the body as a String: decoded, formatted into
 * {@code "t.payload"} with {@code String.format} and encoded again for every secret, three copies
 * of each body; ours costs a third of its CPU ({@code bash bench/stripe-verify-cost.sh}). Stripe
 * signs the UTF-8 bytes, so the HMAC of the bytes received is the same value (the tests check it
 * against stripe-java). Also ours: several endpoint secrets during a rotation, timestamps too far in
 * the future refused as well as the past, and a reason per refusal.
 */
@Component
public class StripeSignatureVerifier implements SignatureVerifier {

    public static final String HEADER = "Stripe-Signature";
    private static final String HMAC = "HmacSHA256";

    /** One initialised MAC per secret, cloned per request (initialising one costs more than the HMAC). */
    private final List<Mac> macs;
    private final long toleranceSeconds;
    private final Clock clock;

    @Autowired
    public StripeSignatureVerifier(StripeProperties stripe, Clock clock) {
        this(stripe.webhookSecret(), stripe.toleranceSeconds(), clock);
    }

    StripeSignatureVerifier(String secrets, long toleranceSeconds, Clock clock) {
        List<String> configured = StripeProperties.webhookSecrets(secrets);
        StripeProperties.secretProblems(configured).stream().findFirst().ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        this.macs = configured.stream().map(StripeSignatureVerifier::mac).toList();
        macs.forEach(StripeSignatureVerifier::copy); // a JCE provider whose MAC cannot be cloned fails the start, not each request
        this.toleranceSeconds = toleranceSeconds;
        this.clock = clock;
    }

    private static Mac mac(String secret) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " unavailable", e);
        }
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
        List<byte[]> given = v1Signatures(header);
        if (timestamp <= 0 || given.isEmpty()) {
            throw new dev.pasarela.pipeline.verify.SignatureVerificationException(Reason.MALFORMED_HEADER);
        }
        if (Math.abs(clock.instant().getEpochSecond() - timestamp) > toleranceSeconds) {
            throw new dev.pasarela.pipeline.verify.SignatureVerificationException(Reason.STALE_TIMESTAMP);
        }
        byte[] signedPrefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
        for (Mac prototype : macs) {
            Mac mac = copy(prototype);
            mac.update(signedPrefix);
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(request.body())).getBytes(StandardCharsets.US_ASCII);
            for (byte[] signature : given) {
                if (MessageDigest.isEqual(expected, signature)) {
                    // Stripe signs UTF-8 text: bytes that are not UTF-8 are no event of Stripe's
                    if (!utf8(request.body())) {
                        throw new dev.pasarela.pipeline.verify.SignatureVerificationException(Reason.MISMATCH);
                    }
                    return;
                }
            }
        }
        throw new dev.pasarela.pipeline.verify.SignatureVerificationException(Reason.MISMATCH);
    }

    private static Mac copy(Mac prototype) {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(HMAC + " of this JDK cannot be cloned", e);
        }
    }

    /** Every {@code v1} value, as the ASCII bytes compared with the expected hex (lower case, as Stripe sends it). */
    private static List<byte[]> v1Signatures(String header) {
        List<byte[]> out = new ArrayList<>(2);
        for (String item : header.split(",")) {
            if (item.startsWith("v1=")) { // no trim: " v1=…" is no v1 to stripe-java either
                out.add(item.substring(3).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out;
    }

    /** Checked without decoding: a strict decoder's copy of the body was 3 % of a Stripe event's request thread. */
    private static boolean utf8(byte[] body) {
        return Utf8.isWellFormed(body);
    }

    private static long timestamp(String header) {
        for (String item : header.split(",")) {
            String[] kv = item.split("=", 2);
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
