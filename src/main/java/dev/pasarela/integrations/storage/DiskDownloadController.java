package dev.pasarela.integrations.storage;

import dev.pasarela.api.ProblemException;
import java.nio.file.Path;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /files/download/{token}}: the disk store's signed download URLs, answered without
 * credentials like a V4 URL of the bucket. The token alone grants the one file until it expires;
 * with the Cloud Storage adapter there are no such URLs and this answers 404.
 */
@RestController
public class DiskDownloadController {

    private final FileStore files;
    private final DownloadTokens tokens;

    public DiskDownloadController(FileStore files, DownloadTokens tokens) {
        this.files = files;
        this.tokens = tokens;
    }

    @GetMapping("/files/download/{token}")
    ResponseEntity<Resource> download(@PathVariable String token) {
        if (!(files instanceof DiskFileStore disk)) {
            throw notFound();
        }
        String objectName = tokens.verify(token).orElseThrow(() -> new ProblemException(403, "invalid-download-link",
                "Invalid download link", "The link is not valid or has expired; ask for a new one."));
        Path path = disk.open(objectName).orElseThrow(DiskDownloadController::notFound);
        String type = FileType.ofExtension(path.getFileName().toString()).map(FileType::mediaType)
                .orElse(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(type))
                .cacheControl(CacheControl.noStore())
                .header("X-Content-Type-Options", "nosniff")
                // served from the gateway's own origin: never rendered as a page that could run script
                .header("Content-Security-Policy", "sandbox")
                .header("Content-Disposition", type.equals(MediaType.APPLICATION_PDF_VALUE) ? "attachment" : "inline")
                .body(new FileSystemResource(path));
    }

    private static ProblemException notFound() {
        return new ProblemException(404, "not-found", "Not found", "No such file.");
    }
}
