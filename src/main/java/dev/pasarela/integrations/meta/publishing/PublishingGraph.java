package dev.pasarela.integrations.meta.publishing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.integrations.meta.GraphApi;
import dev.pasarela.integrations.meta.GraphException;
import dev.pasarela.integrations.meta.MetaAccounts.Account;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.TransientException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The Graph calls of publishing, as the Pages API and the Instagram content publishing guide
 * document them (shared/research-next.md §2.1–2.2). Bodies are JSON, which the Graph API takes
 * like form fields ({@code attached_media} as an array of objects).
 */
@Component
public class PublishingGraph {

    /** An Instagram container's processing state ({@code status_code}), with Meta's {@code status} text. */
    public record ContainerStatus(String code, String status) {
        boolean finished() {
            return "FINISHED".equals(code);
        }

        boolean inProgress() {
            return "IN_PROGRESS".equals(code) || code == null || code.isBlank();
        }
    }

    /** {@code content_publishing_limit}: posts published in the rolling window, of how many. */
    public record PublishingLimit(int used, int total, Duration window) {
        boolean reached() {
            return total > 0 && used >= total;
        }
    }

    private final GraphApi graph;

    public PublishingGraph(GraphApi graph) {
        this.graph = graph;
    }

    /** {@code POST /{page-id}/photos} unpublished: the photo id to attach to a feed post. */
    String uploadUnpublishedPhoto(Account page, URI url, boolean temporary) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url.toString());
        body.put("published", false);
        if (temporary) { // a scheduled post's photos must outlive the usual clean-up of unpublished photos
            body.put("temporary", true);
        }
        return id(graph.post("/" + page.senderId() + "/photos", body, page.token()), "photo");
    }

    /** {@code POST /{page-id}/feed}: the post id {@code {page-id}_{post-id}}. */
    String feedPost(Account page, String message, String link, List<String> photoIds, Instant scheduledAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (message != null && !message.isBlank()) {
            body.put("message", message);
        }
        if (photoIds.isEmpty() && link != null) {
            body.put("link", link);
        }
        if (!photoIds.isEmpty()) {
            body.put("attached_media", photoIds.stream().map(id -> Map.of("media_fbid", id)).toList());
        }
        if (scheduledAt != null) {
            body.put("published", false);
            body.put("scheduled_publish_time", scheduledAt.getEpochSecond());
        }
        return id(graph.post("/" + page.senderId() + "/feed", body, page.token()), "post");
    }

    /**
     * A post an earlier attempt made (the answer lost to a crash or a timeout), since {@code since}:
     * one carrying one of our unpublished photos; without photos, one with our exact text that
     * shares our link (Meta may wrap the link in its redirector, so it is looked for encoded too).
     */
    Optional<String> findPost(Account page, boolean scheduled, Instant since, String message, String link,
                              List<String> photoIds) {
        String edge = scheduled ? "/scheduled_posts" : "/feed";
        Map<String, String> query = new LinkedHashMap<>();
        query.put("fields", "id,message,created_time,attachments{url,target{id},subattachments{target{id}}}");
        query.put("limit", "50");
        if (!scheduled) {
            query.put("since", String.valueOf(since.getEpochSecond()));
        }
        JsonNode answer = graph.get("/" + page.senderId() + edge, query, page.token());
        Set<String> ours = Set.copyOf(photoIds);
        for (JsonNode post : answer.path("data")) {
            boolean match = photoIds.isEmpty() ? sameText(message, post) && sharesLink(link, post)
                    : post.path("attachments").findValues("target").stream()
                            .anyMatch(t -> ours.contains(t.path("id").asText()));
            if (match) {
                return Optional.of(post.path("id").asText());
            }
        }
        return Optional.empty();
    }

    private static boolean sameText(String message, JsonNode post) {
        String theirs = post.path("message").asText(null);
        return (message == null || message.isBlank()) ? theirs == null || theirs.isBlank() : message.equals(theirs);
    }

    private static boolean sharesLink(String link, JsonNode post) {
        if (link == null) {
            return true;
        }
        String encoded = java.net.URLEncoder.encode(link, java.nio.charset.StandardCharsets.UTF_8);
        return post.path("attachments").findValues("url").stream().map(JsonNode::asText)
                .anyMatch(u -> u.equals(link) || u.contains(encoded));
    }

    /** {@code DELETE /{post-id}}: unpublishes and deletes a published or scheduled post. */
    void deletePost(Account page, String postId) {
        graph.delete("/" + postId, page.token());
    }

    /** The post's public link, when Meta gives one; never fails the publishing it follows. */
    String permalink(Account account, String graphId, String field) {
        try {
            return graph.get("/" + graphId, Map.of("fields", field), account.token()).path(field).asText(null);
        } catch (GraphException | TransientException e) {
            return null;
        }
    }

    /** {@code POST /{ig-user-id}/media}: an image container, a carousel item, or (children given) a carousel. */
    String createContainer(Account ig, URI imageUrl, String caption, String altText, boolean carouselItem,
                           List<String> children) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (children != null) {
            body.put("media_type", "CAROUSEL");
            body.put("children", String.join(",", children));
        } else {
            body.put("image_url", imageUrl.toString());
        }
        if (carouselItem) {
            body.put("is_carousel_item", true);
        } else if (caption != null && !caption.isBlank()) {
            body.put("caption", caption);
        }
        if (altText != null && children == null && !carouselItem) {
            body.put("alt_text", altText);
        }
        return id(graph.post("/" + ig.senderId() + "/media", body, ig.token()), "container");
    }

    /** {@code GET /{container-id}?fields=status_code,status}. */
    ContainerStatus containerStatus(Account ig, String containerId) {
        JsonNode answer = graph.get("/" + containerId, Map.of("fields", "status_code,status"), ig.token());
        return new ContainerStatus(answer.path("status_code").asText(null), answer.path("status").asText(null));
    }

    /** {@code POST /{ig-user-id}/media_publish}: the published media's id. */
    String publishContainer(Account ig, String containerId) {
        return id(graph.post("/" + ig.senderId() + "/media_publish", Map.of("creation_id", containerId), ig.token()),
                "media");
    }

    /** The media an earlier {@code media_publish} made: our caption, published since {@code since}. */
    Optional<String> findMedia(Account ig, Instant since, String caption) {
        JsonNode answer = graph.get("/" + ig.senderId() + "/media",
                Map.of("fields", "id,caption,timestamp", "limit", "25"), ig.token());
        for (JsonNode m : answer.path("data")) {
            boolean sameCaption = (caption == null || caption.isBlank()) ? !m.hasNonNull("caption")
                    : caption.equals(m.path("caption").asText(null));
            if (sameCaption && !published(m).isBefore(since)) {
                return Optional.of(m.path("id").asText());
            }
        }
        return Optional.empty();
    }

    /** {@code GET /{ig-user-id}/content_publishing_limit?fields=config,quota_usage}. */
    PublishingLimit publishingLimit(Account ig) {
        JsonNode d = graph.get("/" + ig.senderId() + "/content_publishing_limit",
                Map.of("fields", "config,quota_usage"), ig.token()).path("data").path(0);
        return new PublishingLimit(d.path("quota_usage").asInt(0), d.path("config").path("quota_total").asInt(0),
                Duration.ofSeconds(d.path("config").path("quota_duration").asLong(86_400)));
    }

    /** Instagram's timestamps look like {@code 2026-12-02T10:15:30+0000}. */
    private static Instant published(JsonNode media) {
        String t = media.path("timestamp").asText("");
        try {
            return java.time.OffsetDateTime.parse(t, java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ"))
                    .toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.MAX; // unreadable: do not rule it out by time
        }
    }

    private static String id(JsonNode answer, String what) {
        String id = answer.path("id").asText(null);
        if (id == null || id.isBlank()) {
            throw new PermanentException("the Graph API answered without the " + what + "'s id");
        }
        return id;
    }
}
