package dev.pasarela.ops;

import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import java.util.List;
import java.util.Map;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/ops/tenants")
public class TenantsController {

    private final TenantRepository tenants;
    private final DocumentStore store;

    public TenantsController(TenantRepository tenants, DocumentStore store) {
        this.tenants = tenants;
        this.store = store;
    }

    @GetMapping
    List<Tenant> list() {
        return tenants.list();
    }

    @GetMapping("/{id}")
    Tenant get(@PathVariable String id) {
        return tenants.require(id);
    }

    @PutMapping("/{id}")
    ResponseEntity<Tenant> put(@PathVariable String id, @Valid @RequestBody TenantProfile profile) {
        boolean created = tenants.upsert(id, profile);
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK).body(get(id));
    }

    /** The provider events processed for a tenant, newest first: applied, or stale (older than the state). */
    @GetMapping("/{id}/events")
    List<Map<String, Object>> events(@PathVariable String id, @RequestParam(defaultValue = "100") int limit) {
        get(id);
        return store.query(TenantRepository.path(id) + "/events",
                        Query.all().orderBy("processedAt", true).limit(Math.max(1, Math.min(limit, 1000))))
                .stream().map(Document::data).toList();
    }
}
