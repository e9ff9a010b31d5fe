package dev.pasarela.integrations.storage;

import java.util.Arrays;
import java.util.Optional;

/** The content types the gateway keeps, known by their first bytes. */
public enum FileType {
    JPEG("image/jpeg", "jpg"),
    PNG("image/png", "png"),
    WEBP("image/webp", "webp"),
    PDF("application/pdf", "pdf");

    private final String mediaType;
    private final String extension;

    FileType(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return extension;
    }

    public boolean image() {
        return this != PDF;
    }

    /** The type a file name's extension claims, if it names one of ours ({@code .jpeg} is JPEG too). */
    static Optional<FileType> ofExtension(String name) {
        if (name == null || name.lastIndexOf('.') < 0) {
            return Optional.empty();
        }
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        String normal = ext.equals("jpeg") ? "jpg" : ext;
        return Arrays.stream(values()).filter(t -> t.extension.equals(normal)).findFirst();
    }
}
