package dev.pasarela.integrations.meta.marketplace;

import java.nio.charset.StandardCharsets;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /feeds/{feedToken}/meta-vehicles.csv}: a tenant's vehicles for a Meta Commerce catalog's
 * scheduled fetch. No login (Meta's fetcher has none): the unguessable token is the credential, and
 * any token that is not a tenant's current one is the same 404.
 */
@RestController
public class FeedController {

    static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final VehicleFeed feed;

    public FeedController(VehicleFeed feed) {
        this.feed = feed;
    }

    @GetMapping("/feeds/{feedToken}/meta-vehicles.csv")
    ResponseEntity<byte[]> csv(@PathVariable String feedToken) {
        String body = feed.csv(feed.tenantOf(feedToken));
        return ResponseEntity.ok().contentType(CSV)
                .cacheControl(CacheControl.noStore()) // signed photo URLs inside; never in a shared cache
                .header("X-Robots-Tag", "noindex")
                .header("X-Content-Type-Options", "nosniff")
                .body(body.getBytes(StandardCharsets.UTF_8));
    }
}
