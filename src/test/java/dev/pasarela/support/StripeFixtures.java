package dev.pasarela.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Stripe payloads from {@code src/test/resources/stripe/}, and signatures by the documented scheme. */
public final class StripeFixtures {

    public static final String SECRET = "whsec_test_pasarela_0123456789abcdef";
    public static final String OTHER_SECRET = "whsec_test_rotated_fedcba9876543210";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StripeFixtures() {}

    public static byte[] bytes(String name) {
        try (InputStream in = StripeFixtures.class.getResourceAsStream("/stripe/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture with its event id, created time and customer replaced, for tests that need many events. */
    public static Event event(String name) {
        try {
            return new Event((ObjectNode) JSON.readTree(bytes(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static final class Event {
        private final ObjectNode root;

        Event(ObjectNode root) {
            this.root = root;
        }

        public Event id(String id) {
            root.put("id", id);
            return this;
        }

        public Event created(long epochSeconds) {
            root.put("created", epochSeconds);
            return this;
        }

        public Event customer(String customer) {
            object().put("customer", customer);
            return this;
        }

        public Event status(String status) {
            object().put("status", status);
            return this;
        }

        public Event tenantMetadata(String tenantId) {
            ((ObjectNode) object().with("metadata")).put("tenant_id", tenantId);
            return this;
        }

        public Event lookupKey(String key) {
            ((ObjectNode) object().path("items").path("data").path(0).path("price")).put("lookup_key", key);
            return this;
        }

        public ObjectNode object() {
            return (ObjectNode) root.path("data").path("object");
        }

        public String id() {
            return root.path("id").asText();
        }

        public JsonNode json() {
            return root;
        }

        public byte[] bytes() {
            return root.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** {@code t=<ts>,v1=hex(HMAC-SHA256(secret, "<ts>.<body>"))}, computed over the bytes as given. */
    public static String sign(byte[] body, String secret, long timestamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] sig = mac.doFinal(body);
            return "t=" + timestamp + ",v1=" + java.util.HexFormat.of().formatHex(sig);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(byte[] body) {
        return sign(body, SECRET, Instant.now().getEpochSecond());
    }
}
