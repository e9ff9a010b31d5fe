package dev.pasarela.integrations.meta.marketplace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bearer tokens of the staff page and the feed URL: 32 random bytes, base64url (43 characters).
 * Only their SHA-256 is stored, as the id of an index document, so a copy of the store does not
 * open any page; a token is shown once, when it is made.
 */
final class SecretTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.regex.Pattern SHAPE = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}");

    private SecretTokens() {
    }

    static String create() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored id of a token; empty for anything that cannot be one (never looked up). */
    static Optional<String> hash(String token) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
