package dev.pasarela.tenants;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator's files: tenants upserted at start ({@code PASARELA_TENANTS_FILE}, none by default)
 * and the membership plans ({@code PASARELA_PLANS_FILE}; a path, or a {@code classpath:} resource).
 */
@ConfigurationProperties("pasarela")
public record TenantFilesProperties(@DefaultValue("") String tenantsFile,
                                    @DefaultValue("classpath:defaults/plans.yml") String plansFile) {}
