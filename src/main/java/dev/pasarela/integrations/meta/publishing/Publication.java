package dev.pasarela.integrations.meta.publishing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One post on a Facebook Page or an Instagram account and how far its publishing got, kept at
 * {@code tenants/{t}/publications/{id}}. Every Graph id is written as soon as Meta gives it, so a
 * job resumed after a crash or a retry continues from the last step instead of starting over;
 * {@code publishAttemptAt} marks that the final call (the feed post, {@code media_publish}) may
 * have reached Meta, so a resumed job first looks for the post before making it again.
 *
 * @param accountId       the Page or Instagram account it is for, fixed when accepted: a post is never moved
 *                        to another page the tenant connects later
 * @param mediaIds        one per photo: the unpublished Facebook photo id, or the Instagram item container id
 * @param containerId     Instagram: the container that is published (the single image's, or the carousel's)
 * @param graphId         the published (or scheduled) post: {@code {page-id}_{post-id}} or the IG media id
 * @param nextAttemptAt   when the job runs next, while it waits (a container still processing, a rate limit)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Publication(String id, String tenantId, Network network, String accountId, Status status,
                          String message, String link,
                          List<String> photos, String altText, Instant scheduledAt, List<String> mediaIds,
                          String containerId, String graphId, String permalink, Instant publishAttemptAt,
                          int attempts, int polls, Instant pollingSince, Instant nextAttemptAt, String errorCode,
                          String error, boolean cancelRequested, String requestHash, Instant createdAt,
                          Instant updatedAt, Instant publishedAt) {

    public enum Network {
        @JsonProperty("facebook") FACEBOOK, @JsonProperty("instagram") INSTAGRAM;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public enum Status {
        /** accepted, its job queued */
        @JsonProperty("queued") QUEUED,
        /** photos or containers being made, or waiting for Meta to finish processing them */
        @JsonProperty("publishing") PUBLISHING,
        /** Facebook holds it until {@code scheduledAt} */
        @JsonProperty("scheduled") SCHEDULED,
        @JsonProperty("published") PUBLISHED,
        /** Meta refused it, or it could not be done; {@code errorCode} and {@code error} say why */
        @JsonProperty("failed") FAILED,
        /** deleted before it was published */
        @JsonProperty("cancelled") CANCELLED,
        /** unpublished and deleted on Facebook */
        @JsonProperty("deleted") DELETED;

        public boolean finished() {
            return this == PUBLISHED || this == FAILED || this == CANCELLED || this == DELETED;
        }
    }

    public Publication {
        photos = photos == null ? List.of() : List.copyOf(photos);
        mediaIds = mediaIds == null ? Collections.nCopies(photos.size(), null) : Collections.unmodifiableList(new ArrayList<>(mediaIds));
    }

    public boolean scheduled() {
        return scheduledAt != null;
    }

    public boolean carousel() {
        return network == Network.INSTAGRAM && photos.size() > 1;
    }

    Publication withStatus(Status s, Instant now) {
        return new Publication(id, tenantId, network, accountId, s, message, link, photos, altText, scheduledAt, mediaIds,
                containerId, graphId, permalink, publishAttemptAt, attempts, polls, pollingSince, nextAttemptAt,
                errorCode, error, cancelRequested, requestHash, createdAt, now, publishedAt);
    }

    Publication withMediaId(int index, String mediaId, Instant now) {
        List<String> ids = new ArrayList<>(mediaIds);
        ids.set(index, mediaId);
        return new Publication(id, tenantId, network, accountId, Status.PUBLISHING, message, link, photos, altText, scheduledAt,
                ids, containerId, graphId, permalink, publishAttemptAt, attempts, polls, pollingSince, nextAttemptAt,
                errorCode, error, cancelRequested, requestHash, createdAt, now, publishedAt);
    }

    Publication withContainer(String container, Instant now) {
        return new Publication(id, tenantId, network, accountId, Status.PUBLISHING, message, link, photos, altText, scheduledAt,
                mediaIds, container, graphId, permalink, publishAttemptAt, attempts, polls, pollingSince,
                nextAttemptAt, errorCode, error, cancelRequested, requestHash, createdAt, now, publishedAt);
    }

    Publication attemptingPublish(Instant now) {
        return new Publication(id, tenantId, network, accountId, Status.PUBLISHING, message, link, photos, altText, scheduledAt,
                mediaIds, containerId, graphId, permalink, now, attempts, polls, pollingSince, nextAttemptAt,
                errorCode, error, cancelRequested, requestHash, createdAt, now, publishedAt);
    }

    Publication published(String postId, String permalink, Instant now) {
        Status s = scheduled() && network == Network.FACEBOOK ? Status.SCHEDULED : Status.PUBLISHED;
        return new Publication(id, tenantId, network, accountId, s, message, link, photos, altText, scheduledAt, mediaIds,
                containerId, postId, permalink, publishAttemptAt, attempts, polls, pollingSince, null, null, null,
                cancelRequested, requestHash, createdAt, now, s == Status.PUBLISHED ? now : null);
    }

    Publication waiting(Instant next, boolean poll, Instant now) {
        if (status.finished()) {
            return this;
        }
        return new Publication(id, tenantId, network, accountId, Status.PUBLISHING, message, link, photos, altText, scheduledAt,
                mediaIds, containerId, graphId, permalink, publishAttemptAt, poll ? attempts : attempts + 1,
                poll ? polls + 1 : polls, poll && pollingSince == null ? now : pollingSince, next, errorCode, error,
                cancelRequested, requestHash, createdAt, now, publishedAt);
    }

    Publication failed(String code, String detail, Instant now) {
        if (status.finished()) {
            return this; // cancelled or deleted meanwhile: that is the post's end
        }
        return new Publication(id, tenantId, network, accountId, Status.FAILED, message, link, photos, altText, scheduledAt,
                mediaIds, containerId, graphId, permalink, publishAttemptAt, attempts, polls, pollingSince, null,
                code, detail, cancelRequested, requestHash, createdAt, now, publishedAt);
    }

    Publication cancelRequested(Instant now) {
        return new Publication(id, tenantId, network, accountId, status, message, link, photos, altText, scheduledAt, mediaIds,
                containerId, graphId, permalink, publishAttemptAt, attempts, polls, pollingSince, nextAttemptAt,
                errorCode, error, true, requestHash, createdAt, now, publishedAt);
    }

    /**
     * Back to work after a dead letter was replayed: the attempts counted again, and containers that
     * expired made anew (their photos are still the tenant's).
     */
    Publication retried(Instant now) {
        boolean expired = "container-expired".equals(errorCode);
        return new Publication(id, tenantId, network, accountId, Status.PUBLISHING, message, link, photos, altText,
                scheduledAt, expired ? null : mediaIds, expired ? null : containerId, graphId, permalink,
                expired ? null : publishAttemptAt, 0, 0, null, null, null, null, cancelRequested, requestHash,
                createdAt, now, publishedAt);
    }

    /** The current state, unless the caller deleted the post meanwhile: then the run stops. */
    Publication live() {
        if (cancelRequested) {
            throw new Cancelled();
        }
        return this;
    }

    Publication pollingDone(Instant now) {
        return new Publication(id, tenantId, network, accountId, status, message, link, photos, altText, scheduledAt, mediaIds,
                containerId, graphId, permalink, publishAttemptAt, attempts, 0, null, nextAttemptAt, errorCode, error,
                cancelRequested, requestHash, createdAt, now, publishedAt);
    }

    @Override
    public String toString() {
        return "Publication[" + id + ", " + network + ", " + status + "]"; // never the text
    }
}
