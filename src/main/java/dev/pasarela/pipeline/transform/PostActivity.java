package dev.pasarela.pipeline.transform;

import java.time.Instant;

/**
 * Something happened on one of a tenant's published posts: a comment added, edited or removed, a
 * reaction, a share, a visitor's post. {@code channel} is where ({@code facebook}, {@code instagram},
 * …); {@code item} what ({@code comment}, {@code reaction}, {@code share}, {@code post},
 * {@code status}); {@code verb} how ({@code add}, {@code edited}, {@code remove}). {@code itemId} is
 * the comment's (or reaction's) own id when it has one, {@code parentId} the comment it answers.
 * {@code text} is what the author wrote: personal data, never logged.
 */
public record PostActivity(String tenantId, String eventKey, String provider, Instant occurredAt,
                           String channel, String postId, String item, String verb, String itemId,
                           String parentId, String authorId, String authorName, String text) implements CanonicalEvent {

    @Override
    public String toString() { // the text stays out of logs and exception messages
        return "PostActivity[tenantId=" + tenantId + ", eventKey=" + eventKey + ", channel=" + channel + ", postId="
                + postId + ", item=" + item + ", verb=" + verb + ", itemId=" + itemId + "]";
    }
}
