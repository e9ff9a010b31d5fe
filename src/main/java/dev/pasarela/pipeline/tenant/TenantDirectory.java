package dev.pasarela.pipeline.tenant;

/**
 * What tenant resolution needs to know of tenants, implemented by the tenants package: whether a
 * tenant a signed payload names exists, and where the routing index lives.
 */
public interface TenantDirectory {

    /** The store path of a routing entry {@code {provider}:{externalId}} holding a {@code tenantId}. */
    static String routingPath(String routingKey) {
        return "routing/" + routingKey;
    }

    boolean exists(String tenantId);
}
