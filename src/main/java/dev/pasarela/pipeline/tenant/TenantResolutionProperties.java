package dev.pasarela.pipeline.tenant;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** How long a routing-index hit is cached; another replica's identity change shows after at most this. */
@ConfigurationProperties("pasarela.tenants")
public record TenantResolutionProperties(@DefaultValue("PT5M") Duration routingCacheTtl) {}
