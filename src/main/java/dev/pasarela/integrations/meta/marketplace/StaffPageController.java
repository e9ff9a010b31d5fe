package dev.pasarela.integrations.meta.marketplace;

import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantRepository;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.DateTimeException;
import java.time.ZoneId;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /marketplace/l/{token}}: the staff page of a listing package, opened without login from the
 * link the SaaS shows its user (the token is the credential, 256 random bits), and its confirm
 * button. Never cached, never indexed, never framed, and no Referer leaves it (the URL is a secret).
 */
@RestController
public class StaffPageController {

    private final MarketplaceListings listings;
    private final TenantRepository tenants;

    public StaffPageController(MarketplaceListings listings, TenantRepository tenants) {
        this.listings = listings;
        this.tenants = tenants;
    }

    @GetMapping("/marketplace/l/{token}")
    ResponseEntity<String> page(@PathVariable String token) {
        MarketplaceListings.StaffView view = listings.byToken(token); // photos signed now: they expire
        ZoneId zone = tenants.find(view.tenantId()).map(Tenant::timezone).map(StaffPageController::zone)
                .orElse(ZoneId.of("UTC"));
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                .header("Content-Security-Policy", StaffPage.contentSecurityPolicy(view.listing().photos()))
                .header("X-Robots-Tag", "noindex, nofollow")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .body(StaffPage.render(view.listing(), token, zone));
    }

    /** Idempotent: the first confirmation's time is kept. Answers 303 back to the page. */
    @PostMapping("/marketplace/l/{token}/confirm")
    ResponseEntity<Void> confirm(@PathVariable String token, HttpServletRequest request) {
        listings.confirm(token);
        return ResponseEntity.status(303).cacheControl(CacheControl.noStore())
                .header("Referrer-Policy", "no-referrer")
                .location(URI.create(request.getContextPath() + "/marketplace/l/" + token)).build();
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }
}
