package dev.pasarela.integrations.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.store.ExpiringKeys;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.StripeFixtures;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A data directory an earlier version left, its webhook event ids in the embedded H2's table: the
 * gateway started on it keeps new ids in the embedded store and still drops a retry of an old one.
 */
@GatewayTest
class StripeDedupeAfterUpgradeTest {

    static final Path DATA = Path.of("target/test-data/upgrade-" + UUID.randomUUID());
    static final String EARLIER = "evt_accepted_by_an_earlier_version";

    @DynamicPropertySource
    static void dataDirectoryOfAnEarlierVersion(DynamicPropertyRegistry registry) throws Exception {
        Files.createDirectories(DATA.resolve("db"));
        String schema = Files.readString(Path.of("src/main/resources/schema.sql"), StandardCharsets.UTF_8);
        String table = schema.substring(schema.indexOf("CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED"));
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + DATA.toAbsolutePath() + "/db/pasarela", "sa", "")) {
            c.createStatement().execute(table.substring(0, table.indexOf(';')));
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)")) {
                insert.setString(1, "webhooks");
                insert.setString(2, "stripe:" + EARLIER);
                insert.setTimestamp(3, Timestamp.from(Instant.now().minus(Duration.ofDays(1))));
                insert.executeUpdate();
            }
        }
        registry.add("pasarela.data-dir", () -> DATA.toAbsolutePath().toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;

    @Test
    void aRetryOfAnEventTheEarlierVersionAcceptedIsADuplicateAndNewIdsGoToTheStore(
            @Autowired ExpiringKeys webhookEventKeys, @Autowired JdbcTemplate jdbc) {
        Http http = new Http(port);
        byte[] retry = StripeFixtures.event("customer.subscription.updated.basil.json").id(EARLIER).bytes();
        double duplicates = count("duplicate");
        assertThat(http.stripe(retry, StripeFixtures.sign(retry)).status()).isEqualTo(200);
        assertThat(count("duplicate")).isEqualTo(duplicates + 1);

        String fresh = "evt_" + UUID.randomUUID().toString().replace("-", "");
        byte[] event = StripeFixtures.event("customer.subscription.updated.basil.json").id(fresh).bytes();
        assertThat(http.stripe(event, StripeFixtures.sign(event)).status()).isEqualTo(200); // parked: no tenant
        assertThat(count("duplicate")).isEqualTo(duplicates + 1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> webhookEventKeys.contains("stripe:" + fresh));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class))
                .isEqualTo(1); // only the earlier version's
    }

    double count(String outcome) {
        var c = meters.find("pasarela.webhooks.events").tags("provider", "stripe", "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}
