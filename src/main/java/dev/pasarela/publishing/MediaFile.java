package dev.pasarela.publishing;

/**
 * One of a tenant's stored files as a publisher sees it.
 *
 * @param path        tenant-relative, e.g. {@code vehicles/v-123/front.jpg}
 * @param contentType {@code image/jpeg}, {@code image/png}, {@code image/webp} or {@code application/pdf}
 * @param width       pixels; null for a PDF
 */
public record MediaFile(String path, String contentType, long size, Integer width, Integer height) {

    public boolean image() {
        return contentType.startsWith("image/");
    }
}
