package dev.pasarela.integrations.storage;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where tenant files are kept: a Cloud Storage bucket ({@link CloudFileStore}) or the data
 * directory ({@link DiskFileStore}). Callers hand in checked {@link FilePath}s only, so an adapter
 * never sees a path outside {@code tenants/{tenantId}/}.
 */
public interface FileStore {

    /** Keeps a new file; false (and nothing written) when that name is already taken. */
    boolean create(StoredFile file, byte[] bytes);

    Optional<StoredFile> stat(FilePath path);

    /** The file's bytes; empty when there is no such file. */
    Optional<byte[]> read(FilePath path);

    /** The files under {@code tenants/{tenantId}/} whose path there starts with the checked prefix, by name. */
    List<StoredFile> list(String tenantId, FilePrefix prefix);

    /** False when there was no such file. */
    boolean delete(FilePath path);

    /** A URL that downloads the file without credentials until it expires. */
    URI signedDownloadUrl(FilePath path, Duration expiry);

    /** Which adapter, for the logs and health. */
    String kind();
}
