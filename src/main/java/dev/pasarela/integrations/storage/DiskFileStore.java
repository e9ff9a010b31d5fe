package dev.pasarela.integrations.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The embedded default: files under {@code ${pasarela.data-dir}/files/tenants/…}, each with a
 * hidden {@code .{name}.json} beside it holding what a listing shows (names cannot start with a
 * dot, so the two never collide). Download URLs point at the gateway itself
 * ({@code /files/download/{token}}), signed by {@link DownloadTokens}. One node only: a second
 * replica would not see these files, which is what the bucket is for.
 */
public class DiskFileStore implements FileStore {

    record Meta(long size, String contentType, Integer width, Integer height, Instant createdAt) {
    }

    private final Path root;
    private final ObjectMapper json;
    private final DownloadTokens tokens;
    private final String publicBase;

    public DiskFileStore(Path root, ObjectMapper json, DownloadTokens tokens, String publicBase) {
        this.root = root.toAbsolutePath().normalize();
        this.json = json;
        this.tokens = tokens;
        this.publicBase = publicBase.endsWith("/") ? publicBase.substring(0, publicBase.length() - 1) : publicBase;
    }

    /** The file on disk, checked once more to be under the root (FilePath already forbids escapes). */
    Path file(FilePath path) {
        Path p = root.resolve(path.objectName()).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("path escapes the files directory");
        }
        return p;
    }

    private Path meta(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".json");
    }

    @Override
    public boolean create(StoredFile f, byte[] bytes) {
        Path target = file(f.path());
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
            Path tmpMeta = Files.createTempFile(target.getParent(), ".upload-", ".json");
            try {
                Files.write(tmp, bytes);
                Files.write(tmpMeta, json.writeValueAsBytes(
                        new Meta(bytes.length, f.contentType(), f.width(), f.height(), f.createdAt())));
                // a hard link fails if the name exists: two uploads of one name cannot both win,
                // and the loser touches neither the file nor its metadata
                link(tmp, target);
                Files.move(tmpMeta, meta(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(tmpMeta);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a tenant file", e);
        }
    }

    /** A file system without hard links (some mounts) falls back to a move that refuses an existing name. */
    private static void link(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
        } catch (UnsupportedOperationException e) {
            Files.move(tmp, target);
        }
    }

    private List<StoredFile> walk(String tenantId, Path base) throws IOException {
        List<StoredFile> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base)) {
            walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(Path::toString))
                    .forEach(p -> FilePath.parse(tenantId, root.relativize(p).toString().replace('\\', '/'))
                            .flatMap(this::statIfStillThere).ifPresent(out::add));
        }
        return out;
    }

    /** As {@link #stat}, with a file deleted between listing and reading simply absent. */
    private Optional<StoredFile> statIfStillThere(FilePath path) {
        try {
            return stat(path);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<StoredFile> stat(FilePath path) {
        Path file = file(path);
        // a file without its metadata is an upload still being finished: not there yet
        if (!Files.isRegularFile(file) || !Files.isRegularFile(meta(file))) {
            return Optional.empty();
        }
        try {
            Meta m = json.readValue(meta(file).toFile(), Meta.class);
            return Optional.of(new StoredFile(path, Files.size(file), m.contentType(), m.width(), m.height(), m.createdAt()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read a tenant file's metadata", e);
        }
    }

    @Override
    public Optional<byte[]> read(FilePath path) {
        if (stat(path).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(file(path)));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty(); // deleted between the two calls
        } catch (IOException e) {
            throw new UncheckedIOException("could not read a tenant file", e);
        }
    }

    @Override
    public List<StoredFile> list(String tenantId, FilePrefix prefix) {
        Path base = root.resolve(prefix.under(tenantId)).normalize();
        if (!base.startsWith(root) || !Files.isDirectory(base)) {
            return List.of();
        }
        try {
            return walk(tenantId, base);
        } catch (IOException | UncheckedIOException e) {
            // an upload's temporary file or a deleted file vanished during the walk: walk once more
            try {
                return walk(tenantId, base);
            } catch (IOException | UncheckedIOException twice) {
                throw new dev.pasarela.api.ProblemException(503, "store-unavailable", "Store unavailable",
                        "The files could not be listed; retry.").retryAfter(1);
            }
        }
    }

    @Override
    public boolean delete(FilePath path) {
        Path file = file(path);
        try {
            Files.deleteIfExists(meta(file));
            Files.delete(file);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete a tenant file", e);
        }
    }

    @Override
    public URI signedDownloadUrl(FilePath path, Duration expiry) {
        // relative when no public base URL is configured: the caller prefixes the gateway's own address
        return URI.create(publicBase + "/files/download/" + tokens.sign(path.objectName(), expiry));
    }

    /** The bytes behind a download token's object name, for {@link DiskDownloadController}. */
    Optional<Path> open(String objectName) {
        Path p = root.resolve(objectName).normalize();
        return p.startsWith(root) && Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public String kind() {
        return "disk";
    }
}
