package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.integrations.meta.MetaAccounts.Account;
import dev.pasarela.publishing.MediaFile;
import dev.pasarela.publishing.TenantMedia;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Publishes a Page post step by step: each photo uploaded unpublished (its id kept at once), then
 * one {@code /feed} post attaching them, published now or scheduled. A run that finds the final
 * call already attempted looks for the post first, so a crash between Meta's answer and our write
 * never posts twice.
 */
@Component
class FacebookPublisher {

    static final String CHANNEL = "messenger"; // the Page's account and token, shared with Messenger

    private final PublishingGraph graph;
    private final TenantMedia media;
    private final Publications publications;
    private final PublishingProperties props;
    private final GraphCalls calls;

    FacebookPublisher(PublishingGraph graph, TenantMedia media, Publications publications,
                      PublishingProperties props, GraphCalls calls) {
        this.graph = graph;
        this.media = media;
        this.publications = publications;
        this.props = props;
        this.calls = calls;
    }

    Advance advance(Publication p, Account page) {
        p = uploadMissing(p, page);
        String message = message(p);
        if (p.publishAttemptAt() != null) {
            Optional<String> earlier = graph.findPost(page, p.scheduled(), p.publishAttemptAt().minus(Duration.ofMinutes(2)),
                    message, p.mediaIds());
            if (earlier.isPresent()) {
                return new Advance.Done(finish(p, page, earlier.get()));
            }
        }
        p = publications.update(p.tenantId(), p.id(), c -> live(c).attemptingPublish(publications.clock().instant()));
        String postId = graph.feedPost(page, message, p.link(), p.mediaIds(), p.scheduledAt());
        return new Advance.Done(finish(p, page, postId));
    }

    /** Each photo not yet uploaded, a few at a time; every id Meta gave is kept, then the first failure thrown. */
    private Publication uploadMissing(Publication p, Account page) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < p.photos().size(); i++) {
            if (p.mediaIds().get(i) == null) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return p;
        }
        Publication at = p;
        List<GraphCalls.Outcome<String>> made = calls.all(missing.stream().<Supplier<String>>map(i ->
                () -> graph.uploadUnpublishedPhoto(page, photoUrl(at, at.photos().get(i)), at.scheduled())).toList());
        p = publications.update(p.tenantId(), p.id(), c -> {
            Publication next = live(c);
            for (int k = 0; k < missing.size(); k++) {
                if (made.get(k).ok()) {
                    next = next.withMediaId(missing.get(k), made.get(k).value(), publications.clock().instant());
                }
            }
            return next;
        });
        GraphCalls.throwFirstFailure(made);
        return p;
    }

    private Publication finish(Publication p, Account page, String postId) {
        String permalink = p.scheduled() ? null : graph.permalink(page, postId, "permalink_url");
        return publications.update(p.tenantId(), p.id(),
                c -> c.published(postId, permalink, publications.clock().instant()));
    }

    /** JPEG and PNG as they are; WebP (not among the formats Facebook documents) as its JPEG rendition. */
    private URI photoUrl(Publication p, String path) {
        MediaFile f = media.describe(p.tenantId(), path);
        PostRules.image(f);
        return ("image/webp".equals(f.contentType())
                ? media.publicJpegUrl(p.tenantId(), path, props.mediaUrlValidity())
                : media.publicUrl(p.tenantId(), path, props.mediaUrlValidity())).requireReachableFromOutside().url();
    }

    /** Meta ignores {@code link} on a post with photos: the link goes at the end of the text instead. */
    static String message(Publication p) {
        if (p.photos().isEmpty() || p.link() == null) {
            return p.message();
        }
        return p.message() == null || p.message().isBlank() ? p.link() : p.message() + "\n\n" + p.link();
    }

    static Publication live(Publication current) {
        if (current.cancelRequested()) {
            throw new Cancelled();
        }
        return current;
    }
}
