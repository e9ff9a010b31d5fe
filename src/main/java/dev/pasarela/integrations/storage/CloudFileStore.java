package dev.pasarela.integrations.storage;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Tenant files in a Cloud Storage bucket (a Firebase project's Storage bucket) through
 * {@code google-cloud-storage}. What a listing shows beyond size and type (dimensions, creation
 * time) is kept in the object's custom metadata, so a listing is one call. Download URLs are V4
 * signed URLs, signed locally when the storage client has a service-account key, else through
 * IAM {@code signBlob}.
 */
public class CloudFileStore implements FileStore {

    private final Storage storage;
    private final String bucket;

    public CloudFileStore(Storage storage, String bucket) {
        this.storage = storage;
        this.bucket = bucket;
    }

    @Override
    public boolean create(StoredFile f, byte[] bytes) {
        Map<String, String> meta = new HashMap<>();
        meta.put("createdAt", f.createdAt().toString());
        if (f.width() != null) {
            meta.put("width", f.width().toString());
            meta.put("height", f.height().toString());
        }
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, f.path().objectName()))
                .setContentType(f.contentType()).setMetadata(meta).build();
        try {
            // generation 0 = only if absent: two uploads of one name cannot both win
            storage.create(info, bytes, Storage.BlobTargetOption.doesNotExist());
            return true;
        } catch (StorageException e) {
            if (e.getCode() == 412) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<StoredFile> stat(FilePath path) {
        return Optional.ofNullable(storage.get(BlobId.of(bucket, path.objectName()))).map(b -> file(path, b));
    }

    @Override
    public Optional<byte[]> read(FilePath path) {
        try {
            return Optional.of(storage.readAllBytes(BlobId.of(bucket, path.objectName())));
        } catch (StorageException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<StoredFile> list(String tenantId, FilePrefix prefix) {
        List<StoredFile> out = new ArrayList<>();
        Page<Blob> page = storage.list(bucket, Storage.BlobListOption.prefix(prefix.under(tenantId)));
        for (Blob b : page.iterateAll()) {
            FilePath.parse(tenantId, b.getName()).ifPresent(p -> out.add(file(p, b)));
        }
        return out;
    }

    @Override
    public boolean delete(FilePath path) {
        return storage.delete(BlobId.of(bucket, path.objectName()));
    }

    @Override
    public URI signedDownloadUrl(FilePath path, Duration expiry) {
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, path.objectName())).build();
        return URI.create(storage.signUrl(info, expiry.toSeconds(), TimeUnit.SECONDS,
                Storage.SignUrlOption.withV4Signature(), Storage.SignUrlOption.httpMethod(com.google.cloud.storage.HttpMethod.GET))
                .toString());
    }

    /**
     * A V4 signed {@code PUT} URL for a direct upload of one type, valid for {@code expiry}. Not
     * offered by the API yet: a direct upload skips the magic-byte check and the storage quota, so
     * it needs a check after the object is finalized first (docs/integrations/storage.md).
     */
    public URI signedUploadUrl(FilePath path, FileType type, Duration expiry) {
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, path.objectName())).setContentType(type.mediaType()).build();
        return URI.create(storage.signUrl(info, expiry.toSeconds(), TimeUnit.SECONDS,
                Storage.SignUrlOption.withV4Signature(), Storage.SignUrlOption.httpMethod(com.google.cloud.storage.HttpMethod.PUT),
                // V4 signs Content-Type only as an extension header: the uploader must send exactly this type
                Storage.SignUrlOption.withExtHeaders(java.util.Map.of("Content-Type", type.mediaType()))).toString());
    }

    @Override
    public String kind() {
        return "cloud-storage";
    }

    private static StoredFile file(FilePath path, Blob b) {
        Map<String, String> meta = b.getMetadata() == null ? Map.of() : b.getMetadata();
        Instant created = meta.containsKey("createdAt") ? Instant.parse(meta.get("createdAt"))
                : b.getCreateTimeOffsetDateTime() == null ? null : b.getCreateTimeOffsetDateTime().toInstant();
        return new StoredFile(path, b.getSize() == null ? 0 : b.getSize(), b.getContentType(),
                integer(meta.get("width")), integer(meta.get("height")), created);
    }

    private static Integer integer(String s) {
        try {
            return s == null ? null : Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
