package dev.pasarela.integrations.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The disk store's stand-in for V4 signed URLs: {@code base64url(objectName).expiry.base64url(HMAC)},
 * an HMAC-SHA256 over the object name and the expiry second, with a random key generated once in
 * the data directory (readable by the gateway's user only). Nothing is stored per URL; changing
 * the key file invalidates every URL given out.
 */
public class DownloadTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] key;
    private final Clock clock;

    public DownloadTokens(byte[] key, Clock clock) {
        this.key = key.clone();
        this.clock = clock;
    }

    /** The key in {@code keyFile}, made on first use. */
    public static DownloadTokens fromKeyFile(Path keyFile, Clock clock) {
        try {
            Files.createDirectories(keyFile.getParent());
            if (!Files.exists(keyFile)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                // written whole under a temporary name, then linked into place: a crash or a second
                // start never leaves a short key, and the first complete key wins
                Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
                try {
                    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(tmp, fresh);
                    Files.createLink(keyFile, tmp);
                } catch (FileAlreadyExistsException e) {
                    // another start made it first: use theirs
                } catch (UnsupportedOperationException e) {
                    Files.write(keyFile, fresh); // not a POSIX file system
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            byte[] key = Files.readAllBytes(keyFile);
            if (key.length < 32) {
                throw new IllegalStateException("the download URL key " + keyFile + " is shorter than 32 bytes");
            }
            return new DownloadTokens(key, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the download URL key", e);
        }
    }

    public String sign(String objectName, Duration expiry) {
        long expires = clock.instant().plus(expiry).getEpochSecond();
        String name = B64.encodeToString(objectName.getBytes(StandardCharsets.UTF_8));
        return name + "." + expires + "." + B64.encodeToString(mac(name + "." + expires));
    }

    /** The object name a token grants, if its signature is right and it has not expired. */
    public Optional<String> verify(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            long expires = Long.parseLong(parts[1]);
            byte[] given = B64D.decode(parts[2]);
            if (!MessageDigest.isEqual(given, mac(parts[0] + "." + parts[1]))
                    || clock.instant().getEpochSecond() > expires) {
                return Optional.empty();
            }
            return Optional.of(new String(B64D.decode(parts[0]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
