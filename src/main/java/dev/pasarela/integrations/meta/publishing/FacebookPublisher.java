package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.integrations.meta.MetaAccounts.Account;
import dev.pasarela.publishing.MediaFile;
import dev.pasarela.publishing.TenantMedia;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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

    FacebookPublisher(PublishingGraph graph, TenantMedia media, Publications publications,
                      PublishingProperties props) {
        this.graph = graph;
        this.media = media;
        this.publications = publications;
        this.props = props;
    }

    Advance advance(Publication p, Account page) {
        Instant now = publications.clock().instant();
        for (int i = 0; i < p.photos().size(); i++) {
            if (p.mediaIds().get(i) == null) {
                String photoId = graph.uploadUnpublishedPhoto(page, photoUrl(p, p.photos().get(i)), p.scheduled());
                int index = i;
                p = publications.update(p.tenantId(), p.id(), c -> live(c).withMediaId(index, photoId, now));
            }
        }
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
                : media.publicUrl(p.tenantId(), path, props.mediaUrlValidity())).url();
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
