package dev.pasarela.integrations.storage;

import dev.pasarela.api.ProblemException;
import dev.pasarela.publishing.MediaFile;
import dev.pasarela.publishing.PublicLink;
import dev.pasarela.publishing.TenantMedia;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Tenant files for publishers: a tenant-relative path is always resolved under the caller's own
 * {@code tenants/{tenantId}/}, so a post can never attach another tenant's photo. Links are the
 * store's signed URLs; on disk they are absolute only with {@code PASARELA_PUBLIC_BASE_URL} (a job
 * has no request to take the gateway's address from).
 */
@Component
public class StorageMedia implements TenantMedia {

    /** V4 signed URLs cannot outlive 7 days. */
    private static final Duration LONGEST = Duration.ofDays(7);

    private final FileStore store;
    private final TenantRepository tenants;
    private final Quotas quotas;
    private final Clock clock;

    public StorageMedia(FileStore store, TenantRepository tenants, Quotas quotas, Clock clock) {
        this.store = store;
        this.tenants = tenants;
        this.quotas = quotas;
        this.clock = clock;
    }

    @Override
    public MediaFile describe(String tenantId, String path) {
        return media(stat(path(tenantId, path)));
    }

    @Override
    public PublicLink publicUrl(String tenantId, String path, Duration validFor) {
        FilePath file = path(tenantId, path);
        stat(file);
        return link(file, validFor);
    }

    @Override
    public PublicLink publicJpegUrl(String tenantId, String path, Duration validFor) {
        FilePath file = path(tenantId, path);
        StoredFile original = stat(file);
        if (FileType.JPEG.mediaType().equals(original.contentType())) {
            return link(file, validFor);
        }
        if (!original.contentType().startsWith("image/")) {
            throw new ProblemException(422, "not-an-image", "Not an image",
                    path + " is " + original.contentType() + ", not an image.");
        }
        FilePath jpeg = rendition(original);
        if (store.stat(jpeg).isEmpty()) {
            byte[] bytes = store.read(file).orElseThrow(StorageMedia::notFound);
            JpegRendition.Jpeg converted = JpegRendition.of(bytes);
            var tenant = tenants.require(tenantId);
            quotas.reserveBytes(tenant, converted.bytes().length);
            boolean created;
            try {
                created = store.create(new StoredFile(jpeg, converted.bytes().length, FileType.JPEG.mediaType(),
                        converted.width(), converted.height(), clock.instant()), converted.bytes());
            } catch (RuntimeException e) {
                quotas.releaseBytes(tenant, converted.bytes().length);
                throw e;
            }
            if (!created) { // a concurrent job made the same rendition first: keep theirs
                quotas.releaseBytes(tenant, converted.bytes().length);
            }
        }
        return link(jpeg, validFor);
    }

    /**
     * {@code <name>.r<12 hex>.jpg} beside the original: the hex is of the original's path, creation
     * time and size, so a file deleted and uploaded again under its name never reuses the old
     * rendition; {@link TenantFiles#delete} removes renditions with their original.
     */
    static FilePath rendition(StoredFile original) {
        FilePath p = original.path();
        String stem = p.name().length() > 110 ? p.name().substring(0, 110) : p.name();
        String hash = sha256Hex(p.objectName() + "|" + original.createdAt() + "|" + original.size())
                .substring(0, 12);
        return new FilePath(p.tenantId(), p.kind(), p.ownerId(), stem + ".r" + hash + ".jpg");
    }

    private static String sha256Hex(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code name} is a rendition of a file named {@code original} (its stem, then the suffix). */
    static boolean isRenditionOf(String name, String original) {
        String stem = original.length() > 110 ? original.substring(0, 110) : original;
        return name.startsWith(stem + ".r") && name.matches(".*\\.r[0-9a-f]{12}\\.jpg");
    }

    private PublicLink link(FilePath file, Duration validFor) {
        Duration ttl = validFor.compareTo(LONGEST) > 0 ? LONGEST : validFor;
        URI url = store.signedDownloadUrl(file, ttl);
        return new PublicLink(url, clock.instant().plus(ttl));
    }

    private StoredFile stat(FilePath file) {
        return store.stat(file).orElseThrow(StorageMedia::notFound);
    }

    private static FilePath path(String tenantId, String relative) {
        if (relative == null || relative.startsWith("/")) {
            throw invalid(relative);
        }
        return FilePath.parse(tenantId, FilePath.tenantRoot(tenantId) + relative).orElseThrow(() -> invalid(relative));
    }

    private static MediaFile media(StoredFile f) {
        String relative = f.path().objectName().substring(FilePath.tenantRoot(f.path().tenantId()).length());
        return new MediaFile(relative, f.contentType(), f.size(), f.width(), f.height());
    }

    private static ProblemException invalid(String path) {
        return new ProblemException(400, "invalid-file-path", "Invalid file path",
                "A file is named by its path under the tenant, such as vehicles/{vehicleId}/{name}, "
                        + "sales/{saleId}/{name} or branding/{name}.");
    }

    private static ProblemException notFound() {
        return new ProblemException(404, "file-not-found", "File not found", "There is no such file.");
    }
}
