package dev.pasarela.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * What an operator scrapes after traffic through a producer template ({@code outboxjms}: the new
 * tenant's routes announced; the outbox itself sends on the embedded broker's side) and the
 * dead-letter route: every series of ours explains itself and no Camel meter is dropped.
 * Twilio is a closed local port, so the SMS is retried and dead-lettered.
 */
@GatewayTest
@TestPropertySource(properties = "pasarela.twilio.api-base=http://127.0.0.1:9")
@ExtendWith(OutputCaptureExtension.class)
class PrometheusScrapeTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    CredentialVault vault;
    @Autowired
    CamelContext camel;

    @Test
    void everyPasarelaSeriesHasHelpAndCamelMetersOfTheProducerTemplateAndDeadLettersAreKept(CapturedOutput log) {
        Http http = new Http(port);
        String tenant = "prom-" + UUID.randomUUID().toString().substring(0, 8);
        tenants.upsert(tenant, new TenantProfile("Autos Prom", "pro", null, Map.of()));
        vault.put(tenant, "twilio", Map.of("accountSid", "AC" + "0".repeat(32), "authToken", "tok",
                "phoneNumber", "+15005550006"));
        String key = apiKeys.create(tenant, "crm").key();
        Http.Response sent = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/sms/messages"))
                .header("X-Api-Key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+15017122661\",\"body\":\"Hola\"}")));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);

        String scrape = await().atMost(Duration.ofSeconds(60)).until(
                () -> http.ops("GET", "/actuator/prometheus", null).body(),
                body -> body.contains("pasarela_dead_letters_total{"));
        List<String> emptyHelp = Arrays.stream(scrape.split("\n"))
                .filter(l -> l.startsWith("# HELP pasarela_") && l.trim().split(" ").length < 4).toList();
        assertThat(emptyHelp).isEmpty();
        assertThat(scrape).contains("endpointName=\"outboxjms:");
        // the embedded store's memory off the heap, each part a series (RocksDocumentStoreTest: the figures)
        String memtables = Arrays.stream(scrape.split("\n"))
                .filter(l -> l.startsWith("pasarela_store_memory_bytes{part=\"memtables\"")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(memtables.substring(memtables.lastIndexOf(' ') + 1))).isPositive();
        assertThat(scrape).contains("pasarela_store_memory_bytes{part=\"block-cache\"",
                "pasarela_store_memory_bytes{part=\"table-readers\"");
        assertThat(log.getAll()).doesNotContain("same set of tag keys");
        // the requests' timers, and none of Spring Security's observations (SecurityConfiguration)
        assertThat(scrape).contains("http_server_requests_seconds_count{").doesNotContain("spring_security_");
        // Camel's route policy: each route's series, not the context's sum of them (application.yml)
        assertThat(scrape).contains("camel_exchanges_total{camelContext=\"pasarela\",eventType=\"route\"")
                .doesNotContain("eventType=\"context\"");
        // the exchange timers and the last-exchange gauge, from one notifier: Pasarela's
        assertThat(scrape).contains("camel_exchange_event_notifier_seconds_count{");
        String lastExchange = Arrays.stream(scrape.split("\n"))
                .filter(l -> l.startsWith("camel_exchanges_last_timestamp")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(lastExchange.substring(lastExchange.lastIndexOf(' ') + 1))).isPositive();
        assertThat(camel.getManagementStrategy().getEventNotifiers())
                .filteredOn(n -> n instanceof MicrometerExchangeEventNotifier)
                .singleElement().isInstanceOf(ExchangeTimersNotifier.class);
    }
}
