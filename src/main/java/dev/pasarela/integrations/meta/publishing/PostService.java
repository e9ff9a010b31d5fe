package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.api.ProblemException;
import dev.pasarela.integrations.meta.GraphException;
import dev.pasarela.integrations.meta.GraphProblems;
import dev.pasarela.integrations.meta.MetaAccounts;
import dev.pasarela.integrations.meta.MetaAccounts.Account;
import dev.pasarela.integrations.meta.publishing.Publication.Network;
import dev.pasarela.integrations.meta.publishing.Publication.Status;
import dev.pasarela.messaging.RejectedByProviderException;
import dev.pasarela.messaging.RequestFingerprints;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.publishing.MediaFile;
import dev.pasarela.publishing.TenantMedia;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Accepting, showing and deleting posts. Everything that can be known before Meta is checked here
 * (the page or account connected and its token not revoked, the photos the tenant's own images
 * reachable by Meta, Meta's limits on text, photos and schedule, Instagram's daily limit), so the
 * job only fails for what Meta alone can say.
 */
@Service
public class PostService {

    /** What accepting gave: the post, and whether it is the one an earlier request with the same key made. */
    public record Accepted(Publication publication, boolean replayed) {
    }

    private static final Logger log = LoggerFactory.getLogger(PostService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CONNECT = "PUT /api/v1/facebook/page";

    private final Publications publications;
    private final PublishingRoutes routes;
    private final MetaAccounts accounts;
    private final TenantMedia media;
    private final InstagramLimit limit;
    private final PublishingGraph graph;
    private final RequestFingerprints fingerprints;

    public PostService(Publications publications, PublishingRoutes routes, MetaAccounts accounts, TenantMedia media,
                       InstagramLimit limit, PublishingGraph graph, RequestFingerprints fingerprints) {
        this.publications = publications;
        this.routes = routes;
        this.accounts = accounts;
        this.media = media;
        this.limit = limit;
        this.graph = graph;
        this.fingerprints = fingerprints;
    }

    public Accepted facebook(String tenantId, FacebookPostRequest r, String idempotencyKey) {
        String id = id(Network.FACEBOOK, tenantId, idempotencyKey);
        String hash = fingerprints.digest(r);
        Optional<Accepted> replay = replay(tenantId, id, hash);
        if (replay.isPresent()) {
            return replay.get();
        }
        Instant now = publications.clock().instant();
        PostRules.facebook(r, now);
        Account page = account(tenantId, FacebookPublisher.PAGE_ACCOUNT, "Facebook Page");
        List<String> photos = r.photos() == null ? List.of() : r.photos();
        photos.forEach(path -> PostRules.image(media.describe(tenantId, path)));
        requireReachable(tenantId, photos);
        return create(new Publication(id, tenantId, Network.FACEBOOK, page.senderId(), Status.QUEUED, r.message(),
                r.link(), photos, null, r.scheduledAt(), null, null, null, null, null, 0, 0, null, null, null, null,
                false, hash, now, now, null));
    }

    public Accepted instagram(String tenantId, InstagramPostRequest r, String idempotencyKey) {
        String id = id(Network.INSTAGRAM, tenantId, idempotencyKey);
        String hash = fingerprints.digest(r);
        Optional<Accepted> replay = replay(tenantId, id, hash);
        if (replay.isPresent()) {
            return replay.get();
        }
        Instant now = publications.clock().instant();
        PostRules.instagramCaption(r.caption());
        Account ig = account(tenantId, InstagramPublisher.ACCOUNT, "Instagram account");
        List<MediaFile> files = r.photos().stream().map(path -> media.describe(tenantId, path)).toList();
        PostRules.instagramPhotos(files);
        requireReachable(tenantId, r.photos());
        try {
            limit.check(tenantId, ig);
        } catch (GraphException | TransientException e) {
            // the limit is read again before the job makes anything; an unreadable limit does not refuse the post
            log.info("Could not read the Instagram publishing limit of tenant {} before accepting a post", tenantId);
        }
        return create(new Publication(id, tenantId, Network.INSTAGRAM, ig.senderId(), Status.QUEUED, r.caption(), null,
                r.photos(), r.altText(), null, null, null, null, null, null, 0, 0, null, null, null, null, false, hash,
                now, now, null));
    }

    public Publication get(String tenantId, Network network, String id) {
        Publication p = publications.require(tenantId, id);
        if (p.network() != network) {
            throw new ProblemException(404, "post-not-found", "Post not found",
                    "There is no " + network.json() + " post " + id + " for this tenant.");
        }
        return p;
    }

    public List<Publication> list(String tenantId, Network network, int limit) {
        return publications.list(tenantId, network, limit);
    }

    /**
     * Deletes a post: a queued one is cancelled (its job stops at its next step); a published or
     * scheduled Facebook post is deleted on Facebook. Instagram's API cannot delete a published post.
     */
    public Publication delete(String tenantId, Network network, String id) {
        Publication p = get(tenantId, network, id);
        Instant now = publications.clock().instant();
        if (p.status() == Status.PUBLISHED || p.status() == Status.SCHEDULED) {
            return deletePublished(tenantId, network, p, now);
        }
        // decided inside the transaction: the job may claim the final call at any moment
        Publication after = publications.update(tenantId, id, c -> switch (c.status()) {
            case CANCELLED, DELETED, PUBLISHED, SCHEDULED -> c;
            case FAILED -> c.withStatus(Status.CANCELLED, now);
            case QUEUED, PUBLISHING -> {
                if (c.publishAttemptAt() != null) {
                    throw new ProblemException(409, "post-being-published", "Post being published",
                            "This post is being published right now; delete it once it shows as published.")
                            .retryAfter(10);
                }
                yield c.cancelRequested(now).withStatus(Status.CANCELLED, now);
            }
        });
        return after.status() == Status.PUBLISHED || after.status() == Status.SCHEDULED
                ? deletePublished(tenantId, network, after, now) : after;
    }

    private Publication deletePublished(String tenantId, Network network, Publication p, Instant now) {
        if (network == Network.INSTAGRAM) {
            throw new ProblemException(409, "instagram-cannot-delete", "Instagram posts cannot be deleted here",
                    "Instagram's API does not delete published posts; delete it in the Instagram app.");
        }
        Account page = account(tenantId, FacebookPublisher.PAGE_ACCOUNT, "Facebook Page");
        if (p.accountId() != null && !p.accountId().equals(page.senderId())) {
            throw new ProblemException(409, "account-changed", "Post made on another page",
                    "This post was published on a page the tenant no longer has connected; delete it on Facebook.");
        }
        try {
            graph.deletePost(page, p.graphId());
        } catch (GraphException e) {
            if (e.kind() == GraphException.Kind.TOKEN) {
                accounts.markRevoked(tenantId, page, e);
            }
            if (e.code() != 100 || e.subcode() != 33) { // 100/33: the object does not exist (deleted on Facebook)
                throw GraphProblems.of(e);
            }
        } catch (TransientException e) {
            throw new ProblemException(503, "meta-unavailable", "Meta unavailable",
                    "The Graph API could not be reached; try again shortly.").retryAfter(30);
        }
        return publications.update(tenantId, p.id(), c -> c.withStatus(Status.DELETED, now));
    }

    /** A request already accepted under this Idempotency-Key: the same post, not a second one (422 for another body). */
    private Optional<Accepted> replay(String tenantId, String id, String requestHash) {
        return publications.find(tenantId, id).map(stored -> {
            if (!Objects.equals(stored.requestHash(), requestHash)) {
                throw new ProblemException(422, "idempotency-key-reused", "Idempotency key reused",
                        "This Idempotency-Key was first used with a different post; use a new key.");
            }
            return new Accepted(stored, true);
        });
    }

    /** Meta fetches the photos itself: refused now (503 storage-not-public) rather than failing in the job. */
    private void requireReachable(String tenantId, List<String> photos) {
        if (!photos.isEmpty()) {
            media.publicUrl(tenantId, photos.get(0), Duration.ofMinutes(1)).requireReachableFromOutside();
        }
    }

    private Accepted create(Publication p) {
        Publications.Created created = publications.createIfAbsent(p);
        if (!created.created()) { // the same key, accepted by a concurrent request meanwhile
            return replay(p.tenantId(), p.id(), p.requestHash()).orElseThrow();
        }
        try {
            routes.enqueue(created.publication());
        } catch (RuntimeException e) {
            // not queued means not accepted: take the record back so a retry creates it again
            publications.remove(p.tenantId(), p.id());
            throw new ProblemException(503, "queue-unavailable", "Queue unavailable",
                    "The post could not be queued; nothing was published. Try again shortly.").retryAfter(5);
        }
        return new Accepted(created.publication(), false);
    }

    private Account account(String tenantId, String channel, String what) {
        try {
            Account account = accounts.account(tenantId, channel);
            accounts.checkNotRevoked(tenantId, account);
            return account;
        } catch (RejectedByProviderException e) {
            boolean revoked = !"not-configured".equals(e.code()) && !"unknown-tenant".equals(e.code());
            throw revoked
                    ? new ProblemException(409, "needs-reauth", "Meta needs re-authorisation",
                            "Meta refused this tenant's " + what + " token as revoked or expired; connect the page again ("
                                    + CONNECT + ").")
                    : new ProblemException(409, "meta-account-not-connected", what + " not connected",
                            "This tenant has no " + what + " connected; choose one first (" + CONNECT + ").");
        }
    }

    /** Random, or derived from the Idempotency-Key so a retried request finds the post it made. */
    private static String id(Network network, String tenantId, String idempotencyKey) {
        if (idempotencyKey == null) {
            byte[] random = new byte[16];
            RANDOM.nextBytes(random);
            return "pub_" + HexFormat.of().formatHex(random);
        }
        return "pub_" + RequestFingerprints.keyDigest(network.json() + ":" + idempotencyKey).substring(0, 32);
    }
}
