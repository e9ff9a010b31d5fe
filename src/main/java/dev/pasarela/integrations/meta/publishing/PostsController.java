package dev.pasarela.integrations.meta.publishing;

import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.ProblemException;
import dev.pasarela.api.limits.Metered;
import dev.pasarela.integrations.meta.publishing.Publication.Network;
import dev.pasarela.tenants.Quotas;
import dev.pasarela.tenants.TenantRepository;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/facebook/posts} and {@code /api/v1/instagram/posts}: accepted with 202 and a
 * {@code Location} to follow; the post is published by its job. Each accepted post spends one
 * {@code social-posts} unit of the plan. An {@code Idempotency-Key} makes a retried request
 * return the post it first made.
 */
@RestController
public class PostsController {

    /** A post as the API shows it (never the page token; the photos by their paths). */
    public record PostView(String id, String network, String status, String message, String link, List<String> photos,
                           Instant scheduledAt, String graphId, String permalink, Failure error, Instant createdAt,
                           Instant updatedAt, Instant publishedAt, Instant nextAttemptAt) {

        public record Failure(String code, String detail) {
        }

        static PostView of(Publication p) {
            return new PostView(p.id(), p.network().json(), p.status().name().toLowerCase(java.util.Locale.ROOT),
                    p.message(), p.link(), p.photos(), p.scheduledAt(), p.graphId(), p.permalink(),
                    p.errorCode() == null ? null : new Failure(p.errorCode(), p.error()), p.createdAt(), p.updatedAt(),
                    p.publishedAt(), p.nextAttemptAt());
        }
    }

    public record PostsView(List<PostView> posts) {
    }

    private final PostService posts;
    private final Quotas quotas;
    private final TenantRepository tenants;

    public PostsController(PostService posts, Quotas quotas, TenantRepository tenants) {
        this.posts = posts;
        this.quotas = quotas;
        this.tenants = tenants;
    }

    @PostMapping("/api/v1/facebook/posts")
    @Metered("social-posts")
    ResponseEntity<PostView> facebook(@Valid @RequestBody FacebookPostRequest request,
                                      @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return accepted(posts.facebook(tenant(), request, key));
    }

    @PostMapping("/api/v1/instagram/posts")
    @Metered("social-posts")
    ResponseEntity<PostView> instagram(@Valid @RequestBody InstagramPostRequest request,
                                       @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return accepted(posts.instagram(tenant(), request, key));
    }

    @GetMapping("/api/v1/{network}/posts/{id}")
    PostView get(@PathVariable String network, @PathVariable String id) {
        return PostView.of(posts.get(tenant(), network(network), id));
    }

    /** The newest posts first; {@code limit} 1–100. */
    @GetMapping("/api/v1/{network}/posts")
    PostsView list(@PathVariable String network, @RequestParam(name = "limit", defaultValue = "20") int limit) {
        if (limit < 1 || limit > 100) {
            throw new ProblemException(400, "invalid-request", "Invalid request", "limit must be between 1 and 100.");
        }
        return new PostsView(posts.list(tenant(), network(network), limit).stream().map(PostView::of).toList());
    }

    @DeleteMapping("/api/v1/{network}/posts/{id}")
    PostView delete(@PathVariable String network, @PathVariable String id) {
        return PostView.of(posts.delete(tenant(), network(network), id));
    }

    /** 202 with {@code Location}; a replayed Idempotency-Key gives back the unit the interceptor spent. */
    private ResponseEntity<PostView> accepted(PostService.Accepted a) {
        Publication p = a.publication();
        if (a.replayed()) {
            quotas.consume(tenants.require(p.tenantId()), "social-posts", -1);
        }
        return ResponseEntity.accepted().location(URI.create("/api/v1/" + p.network().json() + "/posts/" + p.id()))
                .header("Idempotent-Replayed", String.valueOf(a.replayed())).body(PostView.of(p));
    }

    private static Network network(String network) {
        return switch (network) {
            case "facebook" -> Network.FACEBOOK;
            case "instagram" -> Network.INSTAGRAM;
            default -> throw new ProblemException(404, "not-found", "Not found", "Posts are under facebook or instagram.");
        };
    }

    private static String tenant() {
        return ApiCaller.current().tenantId();
    }
}
