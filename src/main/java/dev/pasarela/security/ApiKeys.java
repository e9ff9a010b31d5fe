package dev.pasarela.security;

import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Per-tenant service API keys for back-end systems: {@code psk_<keyId>_<secret>}, shown once at
 * creation. Only a SHA-256 of the 256-bit random secret is stored (a slow hash adds nothing for
 * secrets of that entropy), at {@code apiKeys/{keyId}}, a collection no client may read.
 */
@Component
public class ApiKeys {

    public record Created(String id, String key, String name, String createdAt) {}

    public record KeyInfo(String id, String name, String createdAt, String revokedAt) {}

    static final String COLLECTION = "apiKeys";
    private static final Pattern FORMAT = Pattern.compile("psk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DocumentStore store;
    private final TenantRepository tenants;
    private final Clock clock;

    public ApiKeys(DocumentStore store, TenantRepository tenants, Clock clock) {
        this.store = store;
        this.tenants = tenants;
        this.clock = clock;
    }

    public Created create(String tenantId, String name) {
        tenants.require(tenantId);
        String id = HexFormat.of().formatHex(random(8));
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
        String createdAt = clock.instant().toString();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tenantId", tenantId);
        doc.put("name", name == null || name.isBlank() ? "api key" : name);
        doc.put("hash", sha256(secret));
        doc.put("createdAt", createdAt);
        store.set(COLLECTION + "/" + id, doc);
        return new Created(id, "psk_" + id + "_" + secret, (String) doc.get("name"), createdAt);
    }

    public List<KeyInfo> list(String tenantId) {
        // served by the (tenantId, createdAt desc) composite index of config/firestore.indexes.json
        return store.query(COLLECTION, Query.all().whereEqualTo("tenantId", tenantId).orderBy("createdAt", true)).stream()
                .map(d -> new KeyInfo(d.id(), (String) d.field("name"), (String) d.field("createdAt"),
                        (String) d.field("revokedAt")))
                .toList();
    }

    public void revoke(String tenantId, String keyId) {
        boolean done = store.runTransaction(tx -> {
            Optional<Document> d = keyId.matches("[a-z0-9]{16}") ? tx.get(COLLECTION + "/" + keyId) : Optional.empty();
            if (d.isEmpty() || !tenantId.equals(d.get().field("tenantId"))) {
                return false;
            }
            if (d.get().field("revokedAt") == null) {
                tx.merge(COLLECTION + "/" + keyId, Map.of("revokedAt", clock.instant().toString()));
            }
            return true;
        });
        if (!done) {
            throw new ProblemException(404, "api-key-not-found", "API key not found",
                    "Tenant '" + tenantId + "' has no API key '" + keyId + "'.");
        }
    }

    /** The caller a presented key stands for, if the key is well-formed, known, unrevoked and matches. */
    public Optional<ApiCaller> authenticate(String presented) {
        Matcher m = FORMAT.matcher(presented == null ? "" : presented.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<Document> d = store.get(COLLECTION + "/" + m.group(1));
        if (d.isEmpty() || d.get().field("revokedAt") != null) {
            return Optional.empty();
        }
        byte[] expected = String.valueOf(d.get().field("hash")).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = sha256(m.group(2)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Optional.empty();
        }
        return Optional.of(new ApiCaller((String) d.get().field("tenantId"), "api-key:" + m.group(1), "service",
                ApiCaller.Via.API_KEY));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
