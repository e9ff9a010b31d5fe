import com.stripe.net.Webhook;
import dev.pasarela.integrations.stripe.StripeSignatureVerifier;
import dev.pasarela.pipeline.ingress.RawRequest;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * CPU per Stripe signature check, one thread: stripe-java's Webhook.Signature.verifyHeader over the
 * strictly decoded body (what the gateway did before) against the gateway's StripeSignatureVerifier
 * over the bytes, on the bench's 4 KB event. Fails when either accepts a tampered body or refuses
 * the signed one. Run by bench/stripe-verify-cost.sh.
 */
public class StripeVerifyCost {
    static final String SECRET = "whsec_bench_0123456789abcdef01234567";

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[0]));
        int n = Integer.parseInt(args[1]);
        long t = System.currentTimeMillis() / 1000;
        String header = "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(SECRET, t + "." + new String(body, StandardCharsets.UTF_8));
        Constructor<StripeSignatureVerifier> c =
                StripeSignatureVerifier.class.getDeclaredConstructor(String.class, long.class, Clock.class);
        c.setAccessible(true);
        StripeSignatureVerifier ours = c.newInstance(SECRET, 300L, Clock.systemUTC());
        RawRequest request = new RawRequest(body, Map.of("stripe-signature", header), "http://bench/webhooks/stripe");
        byte[] tampered = body.clone();
        tampered[tampered.length / 2] ^= 1;
        RawRequest tamperedRequest = new RawRequest(tampered, Map.of("stripe-signature", header), "http://bench");
        expect(() -> stripeJava(tampered, header), false, "stripe-java, tampered");
        expect(() -> ours.verify(tamperedRequest), false, "ours, tampered");
        for (int round = 1; round <= 5; round++) {
            long s0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                stripeJava(body, header);
            }
            long s1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ours.verify(request);
            }
            long s2 = System.nanoTime();
            System.out.printf("round %d: stripe-java %.1f µs, ours %.1f µs per check (%d-byte body, %d checks each)%n",
                    round, (s1 - s0) / 1e3 / n, (s2 - s1) / 1e3 / n, body.length, n);
        }
    }

    static void stripeJava(byte[] body, String header) throws Exception {
        String payload = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        Webhook.Signature.verifyHeader(payload, header, SECRET, 0);
    }

    interface Check {
        void run() throws Exception;
    }

    static void expect(Check check, boolean accepted, String what) {
        boolean was;
        try {
            check.run();
            was = true;
        } catch (Exception refused) {
            was = false;
        }
        if (was != accepted) {
            throw new AssertionError(what + ": " + (was ? "accepted" : "refused"));
        }
    }
}
