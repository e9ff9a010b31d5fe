package dev.pasarela.integrations.email;

import dev.pasarela.support.GatewayTest;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Signs test webhooks as SendGrid (ECDSA with the test key) and Resend (through Svix's own SDK) do. */
final class EmailSigning {
    private EmailSigning() {}

    static String sendGrid(String privateKeyBase64, String timestamp, byte[] body) {
        try {
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateKeyBase64)));
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(timestamp.getBytes(StandardCharsets.UTF_8));
            s.update(body);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sendGrid(String timestamp, byte[] body) {
        return sendGrid(GatewayTest.SENDGRID_PRIVATE_KEY, timestamp, body);
    }

    /** svix-id, svix-timestamp and svix-signature for a body, signed by com.svix.Webhook. */
    static Map<String, String> svix(String secret, String id, long timestamp, String body) {
        try {
            String signature = new com.svix.Webhook(secret).sign(id, timestamp, body);
            Map<String, String> h = new HashMap<>();
            h.put("svix-id", id);
            h.put("svix-timestamp", Long.toString(timestamp));
            h.put("svix-signature", signature);
            return h;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, List<String>> multi(Map<String, String> headers) {
        Map<String, List<String>> m = new HashMap<>();
        headers.forEach((k, v) -> m.put(k, List.of(v)));
        return m;
    }
}
