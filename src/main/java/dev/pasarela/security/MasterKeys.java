package dev.pasarela.security;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The vault's key-encryption keys, from {@code PASARELA_MASTER_KEYS}: {@code id:base64,id:base64},
 * 32-byte AES keys, the first one encrypting, the others still decrypting until a rotation.
 * {@code toString} names the ids only.
 */
public final class MasterKeys {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private final Map<String, SecretKey> keys;
    private final String current;

    private MasterKeys(Map<String, SecretKey> keys, String current) {
        this.keys = keys;
        this.current = current;
    }

    public static MasterKeys parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalStateException("PASARELA_MASTER_KEYS is not set: id:base64-of-32-bytes, comma-separated,"
                    + " the first one encrypting (generate one with: openssl rand -base64 32)");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (String item : spec.split(",")) {
            String[] kv = item.trim().split(":", 2);
            if (kv.length != 2 || !ID.matcher(kv[0]).matches()) {
                throw new IllegalStateException("PASARELA_MASTER_KEYS is malformed: each entry is id:base64,"
                        + " the id 1-32 of A-Z a-z 0-9 _ -");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(kv[1].trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("PASARELA_MASTER_KEYS: key " + kv[0] + " is not base64");
            }
            if (raw.length != 32) {
                throw new IllegalStateException("PASARELA_MASTER_KEYS: key " + kv[0] + " must be 32 bytes (AES-256)");
            }
            if (keys.put(kv[0], new SecretKeySpec(raw, "AES")) != null) {
                throw new IllegalStateException("PASARELA_MASTER_KEYS: key id " + kv[0] + " appears twice");
            }
            order.add(kv[0]);
        }
        return new MasterKeys(keys, order.get(0));
    }

    public String currentId() {
        return current;
    }

    public SecretKey current() {
        return keys.get(current);
    }

    public boolean has(String id) {
        return keys.containsKey(id);
    }

    public SecretKey byId(String id) {
        SecretKey k = keys.get(id);
        if (k == null) {
            throw new IllegalStateException("master key " + id + " is no longer in PASARELA_MASTER_KEYS");
        }
        return k;
    }

    @Override
    public String toString() {
        return "MasterKeys" + keys.keySet();
    }
}
