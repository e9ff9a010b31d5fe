package dev.pasarela.messaging;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pasarela.api.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Idempotency keys as store path segments, and requests' fingerprints to tell a retry from a new request. */
@Component
public class RequestFingerprints {

    /** Map keys in order, so a request's fingerprint does not depend on how its fields were put. */
    private final ObjectMapper canonical;

    public RequestFingerprints(ObjectMapper json) {
        this.canonical = json.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    /** An Idempotency-Key, checked, as a store path segment (its SHA-256). */
    public static String keyDigest(String key) {
        return sha256(checkKey(key).getBytes(StandardCharsets.UTF_8));
    }

    /** A request's fingerprint, to tell a retry from a new request under the same key. */
    public String digest(Object request) {
        return sha256(canonicalJson(request));
    }

    /** A request record as the JSON object a client sends for it, to fingerprint it as its body. */
    public Map<String, Object> asMap(Object request) {
        return canonical.convertValue(request, new TypeReference<LinkedHashMap<String, Object>>() {});
    }

    private static String checkKey(String key) {
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new ProblemException(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters.");
        }
        return key;
    }

    private byte[] canonicalJson(Object value) {
        try {
            return canonical.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
