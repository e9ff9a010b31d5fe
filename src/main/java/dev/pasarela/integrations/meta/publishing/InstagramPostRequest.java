package dev.pasarela.integrations.meta.publishing;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * {@code POST /api/v1/instagram/posts}: one image, or a carousel of 2 to 10.
 *
 * @param caption at most 2,200 characters and 30 hashtags (Instagram's limits, checked before calling)
 * @param photos  the tenant's stored images, by path; PNG and WebP are converted to JPEG for Instagram
 * @param altText for a single image: what it shows, for screen readers
 */
public record InstagramPostRequest(
        @Size(max = 2200, message = "caption is at most 2200 characters (Instagram's limit)") String caption,
        @NotEmpty(message = "photos needs 1 image, or 2 to 10 for a carousel")
        @Size(max = 10, message = "a carousel takes at most 10 photos")
        List<@Size(min = 1, max = 400) String> photos,
        @Size(max = 1000) String altText) {
}
