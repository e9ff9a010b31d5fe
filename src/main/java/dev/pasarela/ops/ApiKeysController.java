package dev.pasarela.ops;

import dev.pasarela.security.ApiKeys;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Service API keys of a tenant: the key itself is in the creation answer only. */
@RestController
@RequestMapping("/ops/tenants/{tenantId}/api-keys")
public class ApiKeysController {

    public record CreateRequest(String name) {}

    private final ApiKeys apiKeys;

    public ApiKeysController(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ApiKeys.Created create(@PathVariable String tenantId, @RequestBody(required = false) CreateRequest body) {
        return apiKeys.create(tenantId, body == null ? null : body.name());
    }

    @GetMapping
    List<ApiKeys.KeyInfo> list(@PathVariable String tenantId) {
        return apiKeys.list(tenantId);
    }

    @DeleteMapping("/{keyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable String tenantId, @PathVariable String keyId) {
        apiKeys.revoke(tenantId, keyId);
    }
}
