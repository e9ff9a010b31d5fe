package dev.pasarela.integrations.meta.marketplace;

import dev.pasarela.api.ApiCaller;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/marketplace/listings}: listing packages for the caller's tenant's vehicles, and their status. */
@RestController
public class ListingsController {

    private final MarketplaceListings listings;
    private final MarketplaceProperties settings;

    public ListingsController(MarketplaceListings listings, MarketplaceProperties settings) {
        this.listings = listings;
        this.settings = settings;
    }

    @PostMapping("/api/v1/marketplace/listings")
    ResponseEntity<ListingPackage> prepare(@Valid @RequestBody ListingRequest request) {
        ListingPackage p = listings.prepare(ApiCaller.current().tenantId(), request, PublicBase.of(settings));
        return ResponseEntity.created(URI.create("/api/v1/marketplace/listings/" + p.id())).body(p);
    }

    @GetMapping("/api/v1/marketplace/listings/{id}")
    ListingPackage get(@PathVariable String id) {
        return listings.find(ApiCaller.current().tenantId(), id);
    }
}
