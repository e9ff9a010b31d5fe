package dev.pasarela.integrations.meta.publishing;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * {@code POST /api/v1/facebook/posts}.
 *
 * @param message     the post's text
 * @param link        a link to share; with photos it is added to the text (Meta ignores {@code link} on a
 *                    post with attached photos)
 * @param photos      up to 10 of the tenant's stored images, by path ({@code vehicles/v-123/front.jpg})
 * @param scheduledAt publish then, 10 minutes to 30 days ahead (Facebook holds the post); now when absent
 */
public record FacebookPostRequest(
        @Size(max = 63206, message = "message is at most 63206 characters (Facebook's limit)") String message,
        @Size(max = 2048) @Pattern(regexp = "https?://\\S+", message = "link must be an http(s) URL") String link,
        @Size(max = 10, message = "a post takes at most 10 photos")
        List<@Size(min = 1, max = 400) String> photos,
        Instant scheduledAt) {
}
