package dev.pasarela.integrations.storage;

import java.time.Instant;

/** One kept file as a listing shows it; width and height are null for a PDF. */
public record StoredFile(FilePath path, long size, String contentType, Integer width, Integer height,
                         Instant createdAt) {
}
