package dev.pasarela.integrations.ai;

import dev.pasarela.api.ApiCaller;
import dev.pasarela.api.ProblemException;
import jakarta.validation.Valid;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET|PUT /api/v1/ai/settings}: what the model may tell customers about the tenant and
 * where it answers them by itself. Nothing is analysed or answered until a tenant saves settings.
 */
@RestController
public class AiSettingsController {

    private static final Set<String> EDITORS = Set.of("owner", "admin", "service");

    private final AiSettingsStore settings;

    public AiSettingsController(AiSettingsStore settings) {
        this.settings = settings;
    }

    @GetMapping("/api/v1/ai/settings")
    AiSettings get() {
        String tenantId = ApiCaller.current().tenantId();
        return settings.find(tenantId).orElseThrow(() -> new ProblemException(404, "ai-settings-not-found",
                "AI settings not found", "This tenant has no AI settings yet; PUT /api/v1/ai/settings to set them."));
    }

    @PutMapping("/api/v1/ai/settings")
    AiSettings put(@Valid @RequestBody AiSettings body) {
        String tenantId = ApiCaller.current().requireRole(EDITORS).tenantId();
        return settings.save(tenantId, body);
    }
}
