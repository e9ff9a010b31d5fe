package dev.pasarela.integrations.meta.publishing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import dev.pasarela.tenants.TenantRepository;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Component;

/**
 * The stored publications, {@code tenants/{t}/publications/{id}}. Every change is a read-then-write
 * transaction, so the job advancing a post and a caller deleting it never overwrite each other.
 */
@Component
public class Publications {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private final DocumentStore store;
    private final ObjectMapper json;
    private final Clock clock;

    public Publications(DocumentStore store, ObjectMapper json, Clock clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
    }

    static String collection(String tenantId) {
        return TenantRepository.path(tenantId) + "/publications";
    }

    static String path(String tenantId, String id) {
        return collection(tenantId) + "/" + id;
    }

    public Optional<Publication> find(String tenantId, String id) {
        if (!id.matches("pub_[0-9a-f]{1,64}")) {
            return Optional.empty();
        }
        return store.get(path(tenantId, id)).map(this::read);
    }

    public Publication require(String tenantId, String id) {
        return find(tenantId, id).orElseThrow(() -> new ProblemException(404, "post-not-found", "Post not found",
                "There is no post " + id + " for this tenant."));
    }

    /** The tenant's newest posts on a network, newest first. */
    public List<Publication> list(String tenantId, Publication.Network network, int limit) {
        return store.query(collection(tenantId), Query.all().whereEqualTo("network", network.json())
                        .orderBy("createdAt", true).limit(limit)).stream().map(this::read).toList();
    }

    /** Stores a new publication unless one with its id exists; @return the stored one and whether it is new. */
    Created createIfAbsent(Publication p) {
        return store.runTransaction(tx -> {
            Optional<Document> existing = tx.get(path(p.tenantId(), p.id()));
            if (existing.isPresent()) {
                return new Created(read(existing.get()), false);
            }
            tx.set(path(p.tenantId(), p.id()), write(p));
            return new Created(p, true);
        });
    }

    record Created(Publication publication, boolean created) {
    }

    /** Applies {@code change} to the stored publication in one transaction; @return the new state. */
    Publication update(String tenantId, String id, UnaryOperator<Publication> change) {
        return store.runTransaction(tx -> {
            Publication current = read(tx.get(path(tenantId, id)).orElseThrow(() ->
                    new IllegalStateException("publication " + id + " vanished")));
            Publication next = change.apply(current);
            if (next != current) {
                tx.set(path(tenantId, id), write(next));
            }
            return next;
        });
    }

    /**
     * Marks that the final call (the feed post, {@code media_publish}) is about to be made, only if no
     * other run marked it since this one read the post; else {@link ConcurrentRun}. With this, two
     * runs of one job can never both make the call: the loser looks for the post later instead.
     */
    Publication claimPublish(Publication read) {
        return update(read.tenantId(), read.id(), c -> {
            Publication current = c.live();
            if (!java.util.Objects.equals(current.publishAttemptAt(), read.publishAttemptAt())
                    || current.status().finished() || current.status() == Publication.Status.SCHEDULED) {
                throw new ConcurrentRun();
            }
            return current.attemptingPublish(clock.instant());
        });
    }

    void remove(String tenantId, String id) {
        store.delete(path(tenantId, id));
    }

    Clock clock() {
        return clock;
    }

    private Publication read(Document d) {
        return json.convertValue(d.data(), Publication.class);
    }

    private Map<String, Object> write(Publication p) {
        return json.convertValue(p, MAP);
    }
}
