package dev.pasarela.integrations.storage;

import dev.pasarela.api.ProblemException;
import java.util.Arrays;
import java.util.Set;

/** The three kinds of tenant files, each with the content types it accepts. */
public enum FileKind {
    VEHICLES(Set.of(FileType.JPEG, FileType.PNG, FileType.WEBP)),
    SALES(Set.of(FileType.PDF)),
    BRANDING(Set.of(FileType.JPEG, FileType.PNG, FileType.WEBP));

    private final Set<FileType> accepted;

    FileKind(Set<FileType> accepted) {
        this.accepted = accepted;
    }

    public String segment() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public Set<FileType> accepted() {
        return accepted;
    }

    boolean acceptsPdf() {
        return accepted.contains(FileType.PDF);
    }

    /** Branding belongs to the tenant itself: its files have no owner segment. */
    public boolean hasOwner() {
        return this != BRANDING;
    }

    public static FileKind of(String segment) {
        return Arrays.stream(values()).filter(k -> k.segment().equals(segment)).findFirst()
                .orElseThrow(() -> new ProblemException(400, "invalid-request", "Invalid request",
                        "kind must be one of vehicles, sales, branding."));
    }
}
