package dev.pasarela.pipeline.tenant;

/** Published when a tenant's identities (its routing entries) change, so cached routes are dropped. */
public record TenantRoutesChanged(String tenantId) {}
