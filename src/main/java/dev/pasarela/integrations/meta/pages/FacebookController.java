package dev.pasarela.integrations.meta.pages;

import dev.pasarela.api.ApiCaller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/facebook/…}: the caller's tenant connects its Facebook account (the user token of
 * Facebook Login in the SaaS's web app), lists its pages, chooses one and reads it. Answers never
 * carry a token.
 */
@RestController
public class FacebookController {

    private static final Set<String> EDITORS = Set.of("owner", "admin", "service");

    public record ConnectRequest(@NotBlank(message = "userAccessToken is required.") String userAccessToken) {
        @Override
        public String toString() {
            return "ConnectRequest[]"; // never the token
        }
    }

    public record PageChoice(@NotBlank(message = "pageId is required.")
                             @Pattern(regexp = "[0-9]{1,30}", message = "pageId must be a Facebook page id (digits).")
                             String pageId) {}

    private final FacebookPages pages;

    public FacebookController(FacebookPages pages) {
        this.pages = pages;
    }

    @PostMapping("/api/v1/facebook/connect")
    FacebookPages.Connected connect(@Valid @RequestBody ConnectRequest body) {
        String tenantId = ApiCaller.current().requireRole(EDITORS).tenantId();
        return pages.connect(tenantId, body.userAccessToken());
    }

    @GetMapping("/api/v1/facebook/pages")
    FacebookPages.Pages pages() {
        return pages.pages(ApiCaller.current().tenantId());
    }

    @PutMapping("/api/v1/facebook/page")
    FacebookPages.Chosen choose(@Valid @RequestBody PageChoice body) {
        String tenantId = ApiCaller.current().requireRole(EDITORS).tenantId();
        return pages.choosePage(tenantId, body.pageId());
    }

    @GetMapping("/api/v1/facebook/page")
    FacebookPages.PageStatus page() {
        return pages.page(ApiCaller.current().tenantId());
    }
}
