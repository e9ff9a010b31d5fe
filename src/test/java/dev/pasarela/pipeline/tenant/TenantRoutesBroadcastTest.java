package dev.pasarela.pipeline.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pasarela.pipeline.Queues;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A tenant's routing change reaches every replica's cache through the broker: a notice on the topic
 * drops the tenant's cached routes here, and a change made here goes out on the topic.
 */
@GatewayTest
@TestPropertySource(properties = "pasarela.tenants.routing-cache-ttl=PT10M") // only the notice can drop a route
class TenantRoutesBroadcastTest {

    @Autowired
    TenantResolver resolver;
    @Autowired
    DocumentStore store;
    @Autowired
    TenantRepository tenants;
    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;

    final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aNoticeFromAnotherReplicaDropsThatTenantsCachedRoutes() {
        String key = TenantRepository.routingKey("stripe", "cus_" + suffix);
        store.set(TenantDirectory.routingPath(key), Map.of("tenantId", "norte-" + suffix));
        assertThat(resolver.byRoutingKey(key)).contains("norte-" + suffix);
        // another replica moves the identity: the store has it, this replica's cache does not
        store.set(TenantDirectory.routingPath(key), Map.of("tenantId", "sur-" + suffix));
        assertThat(resolver.byRoutingKey(key)).as("cached").contains("norte-" + suffix);

        producer.sendBody("jms:topic:" + Queues.TENANT_ROUTES_CHANGED, "norte-" + suffix);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> resolver.byRoutingKey(key).equals(Optional.of("sur-" + suffix)));
    }

    @Test
    void aTenantChangedHereIsAnnouncedOnTheTopicOnceCommitted() {
        String tenant = "dealer-" + suffix;
        NotifyBuilder heard = new NotifyBuilder(camel).fromRoute("tenants.in.invalidate-routes")
                .whenAnyDoneMatches(e -> tenant.equals(e.getIn().getBody(String.class))).create();
        tenants.upsert(tenant, new TenantProfile("Autos " + suffix, "free", "Europe/Madrid",
                Map.of("stripe", "cus_" + suffix)));
        assertThat(heard.matches(10, TimeUnit.SECONDS)).as("the notice came back from the broker").isTrue();
        assertThat(resolver.byRoutingKey(TenantRepository.routingKey("stripe", "cus_" + suffix))).contains(tenant);
    }
}
