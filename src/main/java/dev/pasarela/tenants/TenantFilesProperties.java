package dev.pasarela.tenants;

import dev.pasarela.config.SelfChecking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator's files: tenants upserted at start ({@code PASARELA_TENANTS_FILE}, none by default)
 * and the membership plans ({@code PASARELA_PLANS_FILE}; a path, or a {@code classpath:} resource).
 * A file named but not readable is reported with the other configuration problems at start.
 */
@ConfigurationProperties("pasarela")
public record TenantFilesProperties(@DefaultValue("") String tenantsFile,
                                    @DefaultValue("classpath:defaults/plans.yml") String plansFile)
        implements SelfChecking {

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!tenantsFile.isBlank() && !Files.isReadable(Path.of(tenantsFile))) {
            problems.add("PASARELA_TENANTS_FILE (pasarela.tenants-file): no readable file at that path");
        }
        if (plansFile.isBlank()) {
            problems.add("PASARELA_PLANS_FILE (pasarela.plans-file): must name a file or a classpath: resource");
        } else if (!plansFile.startsWith("classpath:") && !Files.isReadable(Path.of(plansFile.replaceFirst("^file:", "")))) {
            problems.add("PASARELA_PLANS_FILE (pasarela.plans-file): no readable file at that path");
        }
        return problems;
    }
}
