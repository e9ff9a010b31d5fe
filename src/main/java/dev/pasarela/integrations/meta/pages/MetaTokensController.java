package dev.pasarela.integrations.meta.pages;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /ops/meta/tokens} (ops token): the tenants whose Meta tokens need re-authorisation or
 * expire soon; {@code POST …/check} runs the daily check now.
 */
@RestController
public class MetaTokensController {

    private final TokenChecks checks;

    public MetaTokensController(TokenChecks checks) {
        this.checks = checks;
    }

    @GetMapping("/ops/meta/tokens")
    TokenChecks.Report report() {
        return checks.report();
    }

    @PostMapping("/ops/meta/tokens/check")
    TokenChecks.Report check() {
        checks.checkAll();
        return checks.report();
    }
}
