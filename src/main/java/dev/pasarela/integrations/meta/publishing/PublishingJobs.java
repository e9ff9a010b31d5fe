package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.api.ProblemException;
import dev.pasarela.integrations.meta.GraphException;
import dev.pasarela.integrations.meta.MetaAccounts;
import dev.pasarela.integrations.meta.MetaAccounts.Account;
import dev.pasarela.integrations.meta.publishing.Publication.Network;
import dev.pasarela.integrations.meta.publishing.Publication.Status;
import dev.pasarela.messaging.RejectedByProviderException;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.TransientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One run of a publishing job: loads the publication, advances it as far as it can go, and says
 * whether to run again later. Failures are decided here, once, and every one leaves the post in a
 * state its caller can read (never stuck in {@code publishing}):
 * <ul>
 *   <li>a transient Graph failure (5xx, throttling codes 4/9/17/32/613/80001/80002, unreachable) or
 *       an unexpected fault runs the job again after Meta's advertised wait, else a doubling one, up
 *       to {@code max-attempts}, then fails the post;</li>
 *   <li>a revoked or expired token (190/463/467) marks the integration for re-authorisation and fails
 *       the post, as does any refusal only someone on our side can fix, a post Meta cannot take (a
 *       container expired or in error, a photo gone) or a page the tenant changed since; the job is
 *       dead-lettered with the cause, and replaying it after the fix resumes from the last step;</li>
 *   <li>another run of the same job publishing at the same time makes this one look again later.</li>
 * </ul>
 */
@Component
class PublishingJobs {

    private static final Logger log = LoggerFactory.getLogger(PublishingJobs.class);

    private final Publications publications;
    private final MetaAccounts accounts;
    private final FacebookPublisher facebook;
    private final InstagramPublisher instagram;
    private final PublishingProperties props;

    PublishingJobs(Publications publications, MetaAccounts accounts, FacebookPublisher facebook,
                   InstagramPublisher instagram, PublishingProperties props) {
        this.publications = publications;
        this.accounts = accounts;
        this.facebook = facebook;
        this.instagram = instagram;
        this.props = props;
    }

    /** @return when to run again, or empty when the job is finished */
    Optional<Instant> run(PublishingJob job) {
        Publication p = publications.find(job.tenantId(), job.publicationId()).orElseThrow(() ->
                // queued just before its document was written: the central retries cover that gap
                new TransientException("publication " + job.publicationId() + " not stored yet"));
        if (p.cancelRequested() && p.graphId() == null) {
            publications.update(p.tenantId(), p.id(), c -> c.withStatus(Status.CANCELLED, now()));
            return Optional.empty();
        }
        if (p.status() == Status.FAILED) { // a dead letter replayed after the fix
            p = publications.update(p.tenantId(), p.id(), c -> c.status() == Status.FAILED ? c.retried(now()) : c);
        }
        if (p.status().finished() || p.status() == Status.SCHEDULED) {
            return Optional.empty(); // already done: a redelivered or replayed job changes nothing
        }
        String channel = p.network() == Network.FACEBOOK ? FacebookPublisher.PAGE_ACCOUNT : InstagramPublisher.ACCOUNT;
        Account account;
        try {
            account = accounts.account(p.tenantId(), channel);
            accounts.checkNotRevoked(p.tenantId(), account);
        } catch (RejectedByProviderException e) {
            throw fail(p, e.code(), e.getMessage(), e);
        }
        if (p.accountId() != null && !p.accountId().equals(account.senderId())) {
            throw fail(p, "account-changed", "the tenant connected another " + p.network().json() + " account since "
                    + "this post was accepted; post it again", null);
        }
        try {
            Advance next = p.network() == Network.FACEBOOK ? facebook.advance(p, account) : instagram.advance(p, account);
            if (next instanceof Advance.Later later) {
                Publication current = p;
                publications.update(p.tenantId(), p.id(), c -> c.waiting(later.at(), later.poll(), now()));
                log.info("Post {} of tenant {} waits until {}: {}", current.id(), current.tenantId(), later.at(),
                        later.reason());
                return Optional.of(later.at());
            }
            return Optional.empty();
        } catch (Cancelled c) {
            publications.update(p.tenantId(), p.id(), x -> x.withStatus(Status.CANCELLED, now()));
            return Optional.empty();
        } catch (ConcurrentRun c) {
            Instant later = now().plus(props.pollMax());
            log.info("Post {} of tenant {}: another run is publishing it; looking again at {}", p.id(), p.tenantId(), later);
            return Optional.of(later);
        } catch (GraphException e) {
            return switch (e.kind()) {
                case TRANSIENT -> retryLater(p, "Graph error " + e.code(), e.describe(), e.retryAfter().orElse(null));
                case TOKEN -> {
                    accounts.markRevoked(p.tenantId(), account, e);
                    throw fail(p, "needs-reauth", e.describe(), e);
                }
                case OPERATOR, RECIPIENT -> throw fail(p, String.valueOf(e.code()), e.describe(), e);
            };
        } catch (PublishingFailure e) {
            throw fail(p, e.code(), e.detail(), e);
        } catch (ProblemException e) { // a photo deleted since, files not reachable from outside…
            throw fail(p, e.type(), e.detail(), e);
        } catch (PermanentException e) { // an answer without the id it must carry…
            throw fail(p, "unexpected-answer", e.getMessage(), e);
        } catch (TransientException e) {
            return retryLater(p, "transient", e.getMessage(), e.retryAfter().orElse(null));
        } catch (RuntimeException e) { // the store unavailable, an interrupted call…: retried, then failed
            return retryLater(p, e.getClass().getSimpleName(), e.getClass().getSimpleName(), null);
        }
    }

    private Optional<Instant> retryLater(Publication p, String what, String cause, Duration advertised) {
        Publication current = publications.find(p.tenantId(), p.id()).orElse(p);
        if (current.attempts() + 1 >= props.maxAttempts()) {
            throw fail(current, "gave-up", "still failing after " + props.maxAttempts() + " attempts: " + cause, null);
        }
        Duration backoff = props.retryInitial().multipliedBy(1L << Math.min(current.attempts(), 20));
        Duration wait = advertised != null ? advertised : backoff;
        if (wait.compareTo(props.retryMax()) > 0) {
            wait = props.retryMax();
        }
        Instant at = now().plus(wait);
        publications.update(p.tenantId(), p.id(), c -> c.waiting(at, false, now()));
        // the code only: Meta's message can echo what was posted
        log.warn("Post {} of tenant {}: transient failure ({}), next attempt at {}", p.id(), p.tenantId(), what, at);
        return Optional.of(at);
    }

    /** Marks the post failed; the exception dead-letters the job with the cause. */
    private PermanentException fail(Publication p, String code, String detail, Exception cause) {
        publications.update(p.tenantId(), p.id(), c -> c.failed(code, detail, now()));
        return new PermanentException("post " + p.id() + " failed (" + code + "): " + detail, cause);
    }

    private Instant now() {
        return publications.clock().instant();
    }
}
