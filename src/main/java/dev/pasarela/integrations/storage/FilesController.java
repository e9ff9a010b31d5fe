package dev.pasarela.integrations.storage;

import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.ProblemException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code /api/v1/files/…}: the caller's tenant's files. The tenant is always the caller's, never
 * a parameter, so one tenant cannot name, list, read or delete another's paths. {@code kind} is
 * {@code vehicles}, {@code sales} or {@code branding}; {@code ownerId} is the vehicle or sale id,
 * and {@code _} for branding.
 */
@RestController
public class FilesController {

    /** One file as the API shows it; {@code path} is relative to the tenant's root. */
    public record FileView(String path, String kind, String ownerId, String name, long size, String contentType,
                           Integer width, Integer height, Instant createdAt) {

        static FileView of(StoredFile f) {
            FilePath p = f.path();
            String path = p.kind().segment() + "/" + (p.ownerId() == null ? "" : p.ownerId() + "/") + p.name();
            return new FileView(path, p.kind().segment(), p.ownerId(), p.name(), f.size(), f.contentType(),
                    f.width(), f.height(), f.createdAt());
        }
    }

    public record FilesView(List<FileView> files) {
    }

    public record UrlView(URI url, Instant expiresAt) {
    }

    private final TenantFiles files;

    public FilesController(TenantFiles files) {
        this.files = files;
    }

    /** Multipart part {@code file}; optional {@code name} (else a random one), extension from the content. */
    @PostMapping("/api/v1/files/{kind}/{ownerId}")
    ResponseEntity<FileView> upload(@PathVariable String kind, @PathVariable String ownerId,
                                    @RequestPart("file") MultipartFile file,
                                    @RequestParam(name = "name", required = false) String name) {
        FileKind k = FileKind.of(kind);
        byte[] bytes;
        try {
            bytes = file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read an upload", e);
        }
        StoredFile stored = files.upload(tenant(), k, owner(k, ownerId), file.getOriginalFilename(), name, bytes);
        FileView view = FileView.of(stored);
        return ResponseEntity.created(URI.create("/api/v1/files/" + kind + "/" + ownerId + "/" + view.name() + "/url"))
                .body(view);
    }

    /** {@code prefix}: nothing (all), a kind, or a kind and an owner ({@code vehicles/123}). */
    @GetMapping("/api/v1/files")
    FilesView list(@RequestParam(name = "prefix", required = false) String prefix) {
        return new FilesView(files.list(tenant(), FilePrefix.parse(prefix)).stream().map(FileView::of).toList());
    }

    /** A signed URL that downloads the file without credentials until {@code expiresAt}. */
    @GetMapping("/api/v1/files/{kind}/{ownerId}/{name}/url")
    UrlView url(@PathVariable String kind, @PathVariable String ownerId, @PathVariable String name) {
        TenantFiles.SignedUrl url = files.downloadUrl(path(kind, ownerId, name));
        // the disk store's link is the gateway's own: without PASARELA_PUBLIC_BASE_URL, the address
        // this request came to, so the link works as given (a relative one would not in a browser's bar)
        URI absolute = url.url().isAbsolute() ? url.url()
                : URI.create(org.springframework.web.servlet.support.ServletUriComponentsBuilder.fromCurrentContextPath()
                        .toUriString()).resolve(url.url());
        return new UrlView(absolute, url.expiresAt());
    }

    @DeleteMapping("/api/v1/files/{kind}/{ownerId}/{name}")
    ResponseEntity<Void> delete(@PathVariable String kind, @PathVariable String ownerId, @PathVariable String name) {
        files.delete(path(kind, ownerId, name));
        return ResponseEntity.noContent().build();
    }

    private static FilePath path(String kind, String ownerId, String name) {
        FileKind k = FileKind.of(kind);
        return new FilePath(tenant(), k, owner(k, ownerId), name);
    }

    private static String owner(FileKind kind, String ownerId) {
        if (!kind.hasOwner() && !"_".equals(ownerId)) {
            throw new ProblemException(400, "invalid-request", "Invalid request", "Branding files have no owner: use _.");
        }
        return kind.hasOwner() ? ownerId : null;
    }

    private static String tenant() {
        return ApiCaller.current().tenantId();
    }

    /**
     * Cloud Storage not answering (or refusing the gateway's credentials): the caller can only retry;
     * the code is logged, never the SDK's message (it names the object, a tenant's file).
     */
    @org.springframework.web.bind.annotation.ExceptionHandler(com.google.cloud.storage.StorageException.class)
    org.springframework.http.ProblemDetail storageUnavailable(com.google.cloud.storage.StorageException e,
                                                           jakarta.servlet.http.HttpServletResponse response) {
        org.slf4j.LoggerFactory.getLogger(FilesController.class).warn("Cloud Storage answered {}", e.getCode());
        response.setHeader("Retry-After", "5");
        return dev.pasarela.api.Problems.detail(503, "storage-unavailable", "Storage unavailable",
                "The file store did not answer; retry later.");
    }
}
