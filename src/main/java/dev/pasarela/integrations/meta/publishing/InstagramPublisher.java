package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.integrations.meta.MetaAccounts.Account;
import dev.pasarela.integrations.meta.publishing.PublishingGraph.ContainerStatus;
import dev.pasarela.publishing.TenantMedia;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Publishes an Instagram post through the container flow: one container per image (carousel items
 * for 2–10), each polled until {@code FINISHED} with a growing wait between polls (the job is queued
 * again, no thread waits), then the carousel's container, then {@code media_publish} once the
 * daily publishing limit has room (read before the containers are made too, since they expire in
 * 24 hours). Every container id is kept as soon as Meta gives it; a run that finds
 * {@code media_publish} already attempted asks the container whether it is {@code PUBLISHED}
 * before publishing, and the call is claimed in a compare-and-set write, so a restart or a second
 * run never posts twice.
 */
@Component
class InstagramPublisher {

    static final String ACCOUNT = "instagram";

    private final PublishingGraph graph;
    private final TenantMedia media;
    private final Publications publications;
    private final PublishingProperties props;
    private final InstagramLimit limit;
    private final GraphCalls calls;

    InstagramPublisher(PublishingGraph graph, TenantMedia media, Publications publications, PublishingProperties props,
                       InstagramLimit limit, GraphCalls calls) {
        this.graph = graph;
        this.media = media;
        this.publications = publications;
        this.props = props;
        this.limit = limit;
        this.calls = calls;
    }

    Advance advance(Publication p, Account ig) {
        boolean carousel = p.carousel();
        if (p.mediaIds().stream().allMatch(id -> id == null)) {
            Optional<Instant> full = limit.fullUntil(p.tenantId(), ig);
            if (full.isPresent()) { // containers made now would expire before the limit frees
                return new Advance.Later(full.get(), false, "the account's daily publishing limit is reached");
            }
        }
        Publication at = p;
        p = calls.fillMissing(publications, p, i -> graph.createContainer(ig, media.publicJpegUrl(at.tenantId(),
                at.photos().get(i), props.mediaUrlValidity()).requireReachableFromOutside().url(), at.message(),
                at.altText(), carousel, null));
        Optional<Advance> wait = awaitFinished(p, ig, p.mediaIds());
        if (wait.isPresent()) {
            return wait.get();
        }
        if (p.containerId() == null) {
            String container = carousel ? graph.createContainer(ig, null, p.message(), null, false, p.mediaIds())
                    : p.mediaIds().get(0);
            p = publications.update(p.tenantId(), p.id(),
                    c -> c.live().withContainer(container, publications.clock().instant()));
        }
        if (carousel) {
            wait = awaitFinished(p, ig, List.of(p.containerId()));
            if (wait.isPresent()) {
                return wait.get();
            }
        }
        if (p.publishAttemptAt() != null) {
            ContainerStatus status = graph.containerStatus(ig, p.containerId());
            if ("PUBLISHED".equals(status.code())) {
                String mediaId = graph.findMedia(ig, p.publishAttemptAt().minus(Duration.ofMinutes(2)), p.message())
                        .orElse(null);
                return new Advance.Done(finish(p, ig, mediaId));
            }
        }
        Optional<Instant> full = limit.fullUntil(p.tenantId(), ig);
        if (full.isPresent()) {
            return new Advance.Later(full.get(), false, "the account's daily publishing limit is reached");
        }
        p = publications.claimPublish(p);
        String mediaId = graph.publishContainer(ig, p.containerId());
        return new Advance.Done(finish(p, ig, mediaId));
    }

    private Publication finish(Publication p, Account ig, String mediaId) {
        String permalink = mediaId == null ? null : graph.permalink(ig, mediaId, "permalink");
        return publications.update(p.tenantId(), p.id(),
                c -> c.published(mediaId, permalink, publications.clock().instant()));
    }

    /** Empty when every container is {@code FINISHED}; a later run while any is still processing. */
    private Optional<Advance> awaitFinished(Publication p, Account ig, List<String> containers) {
        List<GraphCalls.Outcome<ContainerStatus>> statuses = calls.all(containers.stream()
                .<Supplier<ContainerStatus>>map(c -> () -> graph.containerStatus(ig, c)).toList());
        GraphCalls.throwFirstFailure(statuses);
        for (GraphCalls.Outcome<ContainerStatus> read : statuses) {
            ContainerStatus status = read.value();
            switch (status.code() == null ? "IN_PROGRESS" : status.code()) {
                case "FINISHED", "PUBLISHED" -> { }
                case "ERROR" -> throw new PublishingFailure("container-error", "Instagram could not process a photo"
                        + (status.status() == null ? "" : " (" + status.status() + ")"));
                case "EXPIRED" -> throw new PublishingFailure("container-expired", "a container was not published "
                        + "within 24 hours of its creation; replaying the dead letter makes new ones");
                default -> {
                    Instant now = publications.clock().instant();
                    Instant since = p.pollingSince() == null ? now : p.pollingSince();
                    if (Duration.between(since, now).compareTo(props.containerTimeout()) > 0) {
                        throw new PublishingFailure("container-timeout", "Instagram was still processing a photo "
                                + "after " + props.containerTimeout().toMinutes() + " minutes");
                    }
                    Duration pause = props.pollInitial().multipliedBy(1L << Math.min(p.polls(), 16));
                    if (pause.compareTo(props.pollMax()) > 0) {
                        pause = props.pollMax();
                    }
                    return Optional.of(new Advance.Later(now.plus(pause), true, "a container is still processing"));
                }
            }
        }
        if (p.polls() > 0) {
            publications.update(p.tenantId(), p.id(), c -> c.pollingDone(publications.clock().instant()));
        }
        return Optional.empty();
    }
}
