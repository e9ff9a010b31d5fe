package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.integrations.meta.MetaAccounts.Account;
import dev.pasarela.publishing.MediaFile;
import dev.pasarela.publishing.TenantMedia;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Publishes a Page post step by step: each photo uploaded unpublished (the ids kept as they come),
 * then one {@code /feed} post attaching them, published now or scheduled. A run that finds the
 * final call already attempted looks for the post first, so a crash between Meta's answer and our
 * write never posts twice; the final call is claimed in a compare-and-set write, so two runs of the
 * same job never both make it.
 */
@Component
class FacebookPublisher {

    /** The Page's account and token: the vault credential Messenger sends with. */
    static final String PAGE_ACCOUNT = "messenger";

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
        Publication at = p;
        p = calls.fillMissing(publications, p,
                i -> graph.uploadUnpublishedPhoto(page, photoUrl(at, at.photos().get(i)), at.scheduled()));
        String message = message(p);
        if (p.publishAttemptAt() != null) {
            Optional<String> earlier = graph.findPost(page, p.scheduled(), p.publishAttemptAt().minus(Duration.ofMinutes(2)),
                    message, p.link(), p.mediaIds());
            if (earlier.isPresent()) {
                return new Advance.Done(finish(p, page, earlier.get()));
            }
        }
        p = publications.claimPublish(p);
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
                : media.publicUrl(p.tenantId(), path, props.mediaUrlValidity())).requireReachableFromOutside().url();
    }

    /** Meta ignores {@code link} on a post with photos: the link goes at the end of the text instead. */
    static String message(Publication p) {
        if (p.photos().isEmpty() || p.link() == null) {
            return p.message();
        }
        return p.message() == null || p.message().isBlank() ? p.link() : p.message() + "\n\n" + p.link();
    }
}
