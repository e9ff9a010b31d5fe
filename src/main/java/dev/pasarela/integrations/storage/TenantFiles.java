package dev.pasarela.integrations.storage;

import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * A tenant's files: content checked, storage quota reserved before writing and given back on
 * delete, names never reused without a delete (so the stored total stays exact). Every path is
 * built here from the caller's tenant id; no caller can name another tenant's root.
 */
@Service
public class TenantFiles {

    public record SignedUrl(URI url, Instant expiresAt) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final FileStore store;
    private final StorageProperties props;
    private final TenantRepository tenants;
    private final Quotas quotas;
    private final Clock clock;

    public TenantFiles(FileStore store, StorageProperties props, TenantRepository tenants, Quotas quotas, Clock clock) {
        this.store = store;
        this.props = props;
        this.tenants = tenants;
        this.quotas = quotas;
        this.clock = clock;
    }

    /**
     * Keeps an uploaded file as {@code name} (checked, given the detected type's extension when it
     * has none) or as a random name; 409 when the name is taken.
     */
    public StoredFile upload(String tenantId, FileKind kind, String ownerId, String uploadedName, String name,
                             byte[] bytes) {
        Tenant tenant = tenants.require(tenantId);
        FileContent.Checked checked = FileContent.check(kind, uploadedName, bytes, props.maxBytes(kind));
        String finalName = name(name, checked.type());
        FilePath path = new FilePath(tenantId, kind, ownerId, finalName);
        StoredFile file = new StoredFile(path, bytes.length, checked.type().mediaType(), checked.width(),
                checked.height(), clock.instant());
        quotas.reserveBytes(tenant, bytes.length);
        boolean created;
        try {
            created = store.create(file, bytes);
        } catch (RuntimeException e) {
            quotas.releaseBytes(tenant, bytes.length);
            throw e;
        }
        if (!created) {
            quotas.releaseBytes(tenant, bytes.length);
            throw new ProblemException(409, "file-exists", "File exists",
                    "A file named " + finalName + " is already kept there; delete it first or use another name.");
        }
        return file;
    }

    public List<StoredFile> list(String tenantId, FilePrefix prefix) {
        return store.list(tenantId, prefix);
    }

    public SignedUrl downloadUrl(FilePath path) {
        store.stat(path).orElseThrow(TenantFiles::notFound);
        return new SignedUrl(store.signedDownloadUrl(path, props.urlExpiry()), clock.instant().plus(props.urlExpiry()));
    }

    /** Deletes a file and the JPEG renditions made of it for publishing, giving their bytes back. */
    public void delete(FilePath path) {
        StoredFile file = store.stat(path).orElseThrow(TenantFiles::notFound);
        if (store.delete(path)) {
            quotas.releaseBytes(tenants.require(path.tenantId()), file.size());
        }
        for (StoredFile other : store.list(path.tenantId(), new FilePrefix(path.kind(), path.ownerId()))) {
            if (StorageMedia.isRenditionOf(other.path().name(), path.name()) && store.delete(other.path())) {
                quotas.releaseBytes(tenants.require(path.tenantId()), other.size());
            }
        }
    }

    private static String name(String requested, FileType type) {
        if (requested == null || requested.isBlank()) {
            byte[] random = new byte[8];
            RANDOM.nextBytes(random);
            return HexFormat.of().formatHex(random) + "." + type.extension();
        }
        FilePath.segment("name", requested);
        return FileType.ofExtension(requested).map(claimed -> {
            if (claimed != type) {
                throw new ProblemException(415, "file-type-mismatch", "File type does not match its name",
                        "The name " + requested + " says " + claimed.mediaType() + " but the content is "
                                + type.mediaType() + ".");
            }
            return requested;
        }).orElse(requested + "." + type.extension());
    }

    private static ProblemException notFound() {
        return new ProblemException(404, "not-found", "Not found", "No such file.");
    }
}
