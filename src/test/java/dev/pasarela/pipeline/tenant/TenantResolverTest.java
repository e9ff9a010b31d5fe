package dev.pasarela.pipeline.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantResolverTest {

    static final String KEY = "stripe:cus_movido";
    static final String PATH = TenantDirectory.routingPath(KEY);

    final DocumentStore store = mock(DocumentStore.class);
    final TenantResolver resolver = new TenantResolver(store, tenantId -> false,
            new TenantResolutionProperties(Duration.ofMinutes(10))); // only an invalidation can drop a route

    static Optional<Document> route(String tenantId) {
        return Optional.of(new Document(PATH, Map.of("tenantId", tenantId)));
    }

    @Test
    void aHitIsCachedUntilItsTenantChanges() {
        when(store.get(PATH)).thenReturn(route("concesionario-a"), route("concesionario-b"));

        assertThat(resolver.byRoutingKey(KEY)).contains("concesionario-a");
        assertThat(resolver.byRoutingKey(KEY)).contains("concesionario-a");
        verify(store, times(1)).get(PATH);

        resolver.invalidate(new TenantRoutesChanged("concesionario-a"));
        assertThat(resolver.byRoutingKey(KEY)).contains("concesionario-b");
    }

    /**
     * The identity moves while a lookup is reading the old route: the notice arrives before the lookup
     * caches what it read, finds nothing to drop, and the old route would have been served until the TTL.
     */
    @Test
    void aRouteReadBeforeAnInvalidationIsNotCachedAfterIt() {
        when(store.get(PATH)).thenAnswer(read -> {
            resolver.invalidate(new TenantRoutesChanged("concesionario-a")); // committed and announced meanwhile
            return route("concesionario-a");
        }).thenReturn(route("concesionario-b"));

        assertThat(resolver.byRoutingKey(KEY)).as("what the lookup read").contains("concesionario-a");
        assertThat(resolver.byRoutingKey(KEY)).as("the next lookup reads the moved route").contains("concesionario-b");
        assertThat(resolver.byRoutingKey(KEY)).contains("concesionario-b");
        verify(store, times(2)).get(PATH);
    }
}
