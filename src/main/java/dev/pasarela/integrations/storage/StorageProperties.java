package dev.pasarela.integrations.storage;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.pasarela.config.SelfChecking;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code pasarela.storage.*}: where tenant files live and what they may be.
 *
 * @param bucket          {@code FIREBASE_STORAGE_BUCKET}; blank keeps files on disk under the data directory
 * @param projectId       {@code FIREBASE_PROJECT_ID}, the bucket's project
 * @param clientEmail     {@code FIREBASE_CLIENT_EMAIL}; with the key, signs URLs locally (else ADC and IAM signBlob)
 * @param privateKey      {@code FIREBASE_PRIVATE_KEY}, PKCS#8 PEM
 * @param maxImageBytes   the largest vehicle photo or branding image
 * @param maxPdfBytes     the largest sale document
 * @param urlExpiry       how long a signed download URL works ({@code PASARELA_STORAGE_URL_EXPIRY})
 * @param publicBaseUrl   {@code PASARELA_PUBLIC_BASE_URL}: the gateway's address, for the disk store's
 *                        download URLs; blank gives URLs relative to the gateway
 */
@Validated
@ConfigurationProperties("pasarela.storage")
public record StorageProperties(
        @DefaultValue("") String bucket,
        @DefaultValue("") String projectId,
        @DefaultValue("") String clientEmail,
        @DefaultValue("") String privateKey,
        @Positive @DefaultValue("10485760") long maxImageBytes,
        @Positive @DefaultValue("20971520") long maxPdfBytes,
        @NotNull @DefaultValue("PT15M") Duration urlExpiry,
        @DefaultValue("") String publicBaseUrl) implements SelfChecking {

    /** V4 signing refuses more than 7 days; a zero or negative expiry would give dead links. */
    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (urlExpiry != null && (urlExpiry.isNegative() || urlExpiry.isZero() || urlExpiry.compareTo(Duration.ofDays(7)) > 0)) {
            problems.add("pasarela.storage.url-expiry (PASARELA_STORAGE_URL_EXPIRY) must be between 1 second and 7 days");
        }
        if (clientEmail.isBlank() != privateKey.isBlank()) {
            problems.add("FIREBASE_CLIENT_EMAIL and FIREBASE_PRIVATE_KEY must be set together");
        }
        return problems;
    }

    public boolean cloud() {
        return !bucket.isBlank();
    }

    public long maxBytes(FileKind kind) {
        return kind.acceptsPdf() ? maxPdfBytes : maxImageBytes;
    }
}
