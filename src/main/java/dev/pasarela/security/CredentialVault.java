package dev.pasarela.security;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-tenant provider credentials at {@code tenants/{id}/credentials/{provider}}, envelope-encrypted:
 * a fresh AES-256-GCM data key encrypts the secret fields, the current master key (AES-256-GCM
 * too) wraps the data key, and the master key's id is stored beside them so keys can rotate.
 * The tenant and provider are authenticated data: a ciphertext copied to another tenant or
 * provider does not decrypt. Delivery code reads credentials only through {@link #credentials}.
 */
public class CredentialVault {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CredentialVault.class);

    /** What is stored, never a secret: names, the wrapping key's id and dates ({@code unreadableSince} when no key decrypts it). */
    public record Info(String provider, List<String> fields, String keyId, String createdAt, String updatedAt,
                       String rotatedAt, String unreadableSince) {}

    public record Stale(String tenantId, String provider, String updatedAt) {}

    /** {@code unreadable}: credentials no master key decrypts (also marked on their documents); they need storing again. */
    public record Rotation(String currentKeyId, int rewrapped, int alreadyCurrent, List<String> failed,
                           List<String> unreadable) {}

    private static final Pattern PROVIDER = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {};

    private final DocumentStore store;
    private final MasterKeys keys;
    private final PlatformCredentials platform;
    private final ObjectMapper json;
    private final Clock clock;
    /** The names credentials are read under ({@link CredentialNames}); null accepts any well-formed name. */
    private final java.util.function.Supplier<java.util.Collection<String>> known;

    public CredentialVault(DocumentStore store, MasterKeys keys, PlatformCredentials platform, ObjectMapper json,
                           Clock clock) {
        this(store, keys, platform, json, clock, null);
    }

    public CredentialVault(DocumentStore store, MasterKeys keys, PlatformCredentials platform, ObjectMapper json,
                           Clock clock, java.util.function.Supplier<java.util.Collection<String>> known) {
        this.known = known;
        this.store = store;
        this.keys = keys;
        this.platform = platform;
        this.json = json;
        this.clock = clock;
    }

    static String path(String tenantId, String provider) {
        return TenantRepository.path(tenantId) + "/credentials/" + provider;
    }

    public void put(String tenantId, String provider, Map<String, String> secret) {
        checkProvider(provider);
        if (known != null) {
            java.util.SortedSet<String> names = new java.util.TreeSet<>(known.get());
            names.addAll(platform.providers());
            if (!names.contains(provider)) {
                throw new ProblemException(400, "unknown-provider", "Unknown provider",
                        "No part of the gateway reads a '" + provider + "' credential; known providers: "
                                + String.join(", ", names) + ".");
            }
        }
        if (secret == null || secret.isEmpty() || secret.values().stream().anyMatch(v -> v == null || v.isBlank())) {
            throw new ProblemException(400, "invalid-credentials", "Invalid credentials",
                    "Send a JSON object of non-empty string fields, e.g. {\"accessToken\": \"…\"}.");
        }
        byte[] plaintext;
        try {
            plaintext = json.writeValueAsBytes(new TreeMap<>(secret));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] dataKey = random(32);
        byte[] iv = random(12);
        byte[] keyIv = random(12);
        String now = clock.instant().toString();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("provider", provider);
        doc.put("fields", new ArrayList<>(new TreeMap<>(secret).keySet()));
        doc.put("keyId", keys.currentId());
        doc.put("wrappedKey", b64(gcm(Cipher.ENCRYPT_MODE, keys.current(), keyIv, dataKey, aad(tenantId, provider, keys.currentId()))));
        doc.put("keyIv", b64(keyIv));
        doc.put("iv", b64(iv));
        doc.put("ciphertext", b64(gcm(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), iv, plaintext,
                aad(tenantId, provider, null))));
        doc.put("updatedAt", now);
        java.util.Arrays.fill(dataKey, (byte) 0);
        java.util.Arrays.fill(plaintext, (byte) 0);
        try {
            store.runTransaction(tx -> {
                Optional<Document> existing = tx.get(path(tenantId, provider));
                doc.put("createdAt", existing.map(d -> d.field("createdAt")).orElse(now));
                tx.set(path(tenantId, provider), doc);
                return null;
            });
        } finally {
            changed();
        }
    }

    /** A tenant's own credentials for a provider, else the platform defaults of the environment. */
    public Optional<Map<String, String>> credentials(String tenantId, String provider) {
        Optional<Map<String, String>> own = store.get(path(tenantId, provider)).map(d -> {
            String key = tenantId + '/' + provider;
            Decrypted cached = decrypted.getIfPresent(key);
            if (cached != null && cached.of(d) && keys.has(cached.keyId())) {
                return cached.fields();
            }
            Map<String, String> fields = readable(tenantId, provider, d);
            decrypted.put(key, new Decrypted(d.field("keyId") == null ? null : String.valueOf(d.field("keyId")),
                    String.valueOf(d.field("wrappedKey")), String.valueOf(d.field("keyIv")),
                    String.valueOf(d.field("ciphertext")), String.valueOf(d.field("iv")),
                    java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields)))); // a field may be null
            return fields;
        });
        return own.isPresent() ? own : platform.defaults(provider);
    }

    /**
     * Credentials decrypted lately, kept in memory only (never written anywhere) for {@link #CACHED_FOR}:
     * a send asks for its tenant's token more than once (accepted, then delivered), and each was two
     * AES-GCM decryptions. Still read from the store every time and used only while the stored
     * ciphertext is the one decrypted: a credential changed anywhere (another replica, a restore) is
     * decrypted again; one that does not decrypt is never cached, it fails and is marked each time.
     */
    static final Duration CACHED_FOR = Duration.ofMinutes(1);
    private final com.github.benmanes.caffeine.cache.Cache<String, Decrypted> decrypted =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(CACHED_FOR)
                    .build();

    private record Decrypted(String keyId, String wrappedKey, String keyIv, String ciphertext, String iv,
                             Map<String, String> fields) {
        boolean of(Document d) {
            return java.util.Objects.equals(keyId, d.field("keyId") == null ? null : String.valueOf(d.field("keyId")))
                    && wrappedKey.equals(String.valueOf(d.field("wrappedKey")))
                    && keyIv.equals(String.valueOf(d.field("keyIv")))
                    && ciphertext.equals(String.valueOf(d.field("ciphertext")))
                    && iv.equals(String.valueOf(d.field("iv")));
        }

        @Override
        public String toString() {
            return "Decrypted[" + keyId + "]"; // never the fields
        }
    }

    /** A change made here drops what was decrypted at once, not only when its ciphertext is next read. */
    private void changed() {
        decrypted.invalidateAll();
    }

    public List<Info> list(String tenantId) {
        return store.query(TenantRepository.path(tenantId) + "/credentials", Query.all()).stream()
                .map(d -> new Info(d.id(), stringList(d.field("fields")), (String) d.field("keyId"),
                        (String) d.field("createdAt"), (String) d.field("updatedAt"), (String) d.field("rotatedAt"),
                        (String) d.field("unreadableSince")))
                .toList();
    }

    public boolean delete(String tenantId, String provider) {
        checkProvider(provider);
        try {
            return store.runTransaction(tx -> {
                if (tx.get(path(tenantId, provider)).isEmpty()) {
                    return false;
                }
                tx.delete(path(tenantId, provider));
                return true;
            });
        } finally {
            changed();
        }
    }

    /** Re-wraps every data key under the current master key; the old keys can then be dropped. */
    public Rotation rotate(List<String> tenantIds) {
        try {
            return rotateAll(tenantIds);
        } finally {
            changed();
        }
    }

    private Rotation rotateAll(List<String> tenantIds) {
        int rewrapped = 0;
        int current = 0;
        List<String> failed = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String tenantId : tenantIds) {
            for (Document d : store.query(TenantRepository.path(tenantId) + "/credentials", Query.all())) {
                String provider = d.id();
                boolean changed;
                if (!unwraps(tenantId, provider, d)) { // its key id is known but its bytes changed: not "current"
                    markUnreadable(tenantId, provider);
                    unreadable.add(tenantId + "/" + provider);
                    continue;
                }
                try {
                    changed = store.runTransaction(tx -> {
                    Document fresh = tx.get(path(tenantId, provider)).orElse(null);
                    if (fresh == null || keys.currentId().equals(fresh.field("keyId"))) {
                        return false;
                    }
                    String oldId = (String) fresh.field("keyId");
                    byte[] dataKey = gcm(Cipher.DECRYPT_MODE, keys.byId(oldId), unb64(fresh.field("keyIv")),
                            unb64(fresh.field("wrappedKey")), aad(tenantId, provider, oldId));
                    byte[] keyIv = random(12);
                    Map<String, Object> patch = new LinkedHashMap<>(fresh.data());
                    patch.put("keyId", keys.currentId());
                    patch.put("keyIv", b64(keyIv));
                    patch.put("wrappedKey", b64(gcm(Cipher.ENCRYPT_MODE, keys.current(), keyIv, dataKey,
                            aad(tenantId, provider, keys.currentId()))));
                    patch.put("rotatedAt", clock.instant().toString());
                    java.util.Arrays.fill(dataKey, (byte) 0);
                    tx.set(path(tenantId, provider), patch);
                    return true;
                    });
                } catch (IllegalStateException e) {
                    failed.add(tenantId + "/" + provider + ": " + e.getMessage()); // e.g. its key already dropped
                    continue;
                }
                if (changed) {
                    rewrapped++;
                } else {
                    current++;
                }
            }
        }
        return new Rotation(keys.currentId(), rewrapped, current, failed, unreadable);
    }

    /** Credentials not replaced for longer than {@code maxAge}: provider secrets should be rotated too. */
    public List<Stale> olderThan(List<String> tenantIds, Duration maxAge) {
        Instant limit = clock.instant().minus(maxAge);
        List<Stale> out = new ArrayList<>();
        for (String tenantId : tenantIds) {
            for (Document d : store.query(TenantRepository.path(tenantId) + "/credentials", Query.all())) {
                Object updated = d.field("updatedAt");
                if (updated != null && Instant.parse(updated.toString()).isBefore(limit)) {
                    out.add(new Stale(tenantId, d.id(), updated.toString()));
                }
            }
        }
        return out;
    }

    /**
     * Decrypts, or fails for good: a credential no master key opens will not open on a retry, so it
     * is marked on its document and reported as {@link CredentialUnreadableException}.
     */
    private Map<String, String> readable(String tenantId, String provider, Document d) {
        // the cause reaches the tenant (a message's status history): which master key is an operator's
        // business, so it goes to the log, and the tenant reads only that the credential must be stored again
        if (d.field("keyId") != null && !keys.has((String) d.field("keyId"))) {
            markUnreadable(tenantId, provider);
            log.warn("The {} credential of tenant {} is wrapped by master key {}, which is no longer in "
                    + "PASARELA_MASTER_KEYS", provider, tenantId, d.field("keyId"));
            throw new CredentialUnreadableException(tenantId, provider, "cannot be read by the gateway");
        }
        try {
            return decrypt(tenantId, provider, d);
        } catch (Unreadable e) {
            markUnreadable(tenantId, provider);
            log.warn("The {} credential of tenant {} does not decrypt with PASARELA_MASTER_KEYS", provider, tenantId);
            throw new CredentialUnreadableException(tenantId, provider, "cannot be read by the gateway");
        }
    }

    /** Whether the stored data key unwraps with the master key it names (false when no key of that id opens it). */
    private boolean unwraps(String tenantId, String provider, Document d) {
        String keyId = (String) d.field("keyId");
        if (keyId == null || !keys.has(keyId)) {
            return true; // a dropped key is a rotation failure, reported as before
        }
        try {
            byte[] dataKey = gcm(Cipher.DECRYPT_MODE, keys.byId(keyId), unb64(d.field("keyIv")),
                    unb64(d.field("wrappedKey")), aad(tenantId, provider, keyId));
            java.util.Arrays.fill(dataKey, (byte) 0);
            return true;
        } catch (Unreadable e) {
            return false;
        }
    }

    private void markUnreadable(String tenantId, String provider) {
        decrypted.invalidate(tenantId + '/' + provider); // this credential's entry, not every tenant's
        store.runTransaction(tx -> {
            Optional<Document> d = tx.get(path(tenantId, provider));
            if (d.isPresent() && d.get().field("unreadableSince") == null) {
                tx.merge(path(tenantId, provider), Map.of("unreadableSince", clock.instant().toString()));
            }
            return null;
        });
    }

    private Map<String, String> decrypt(String tenantId, String provider, Document d) {
        String keyId = (String) d.field("keyId");
        byte[] dataKey = gcm(Cipher.DECRYPT_MODE, keys.byId(keyId), unb64(d.field("keyIv")), unb64(d.field("wrappedKey")),
                aad(tenantId, provider, keyId));
        byte[] plaintext = gcm(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), unb64(d.field("iv")),
                unb64(d.field("ciphertext")), aad(tenantId, provider, null));
        java.util.Arrays.fill(dataKey, (byte) 0);
        try {
            return json.readValue(plaintext, FIELDS);
        } catch (IOException e) {
            throw new IllegalStateException("credential " + provider + " of " + tenantId + " is corrupt");
        } finally {
            java.util.Arrays.fill(plaintext, (byte) 0);
        }
    }

    private static byte[] aad(String tenantId, String provider, String keyId) {
        return ("pasarela/" + tenantId + "/" + provider + (keyId == null ? "" : "/" + keyId)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gcm(int mode, SecretKey key, byte[] iv, byte[] input, byte[] aad) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, key, new GCMParameterSpec(128, iv));
            c.updateAAD(aad);
            return c.doFinal(input);
        } catch (GeneralSecurityException e) {
            // wrong key, tampered ciphertext or moved document: never say more
            if (mode == Cipher.DECRYPT_MODE) {
                throw new Unreadable();
            }
            throw new IllegalStateException("credential could not be encrypted");
        }
    }

    /** A decryption that failed: the key or the stored bytes are wrong, not the moment. */
    private static final class Unreadable extends IllegalStateException {
        Unreadable() {
            super("credential could not be decrypted");
        }
    }

    private static void checkProvider(String provider) {
        if (provider == null || !PROVIDER.matcher(provider).matches()) {
            throw new ProblemException(400, "invalid-provider", "Invalid provider",
                    "Providers are lower-case names such as whatsapp, twilio or sendgrid.");
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(Object s) {
        return Base64.getDecoder().decode(String.valueOf(s));
    }

    private static List<String> stringList(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }
}
