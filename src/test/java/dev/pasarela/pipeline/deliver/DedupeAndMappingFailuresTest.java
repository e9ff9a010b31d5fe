package dev.pasarela.pipeline.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.errors.TransientException;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.EventMapper;
import dev.pasarela.pipeline.transform.QueuedEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** What a pure mapper throws is permanent; the dedupe table never takes a key silently short. */
class DedupeAndMappingFailuresTest {

    static final QueuedEvent QUEUED = new QueuedEvent("acme", "t1", "acme:evt_1", "acme.thing",
            "{\"text\":\"+34600111222 dice hola\"}".getBytes(StandardCharsets.UTF_8));

    static EventMapper throwing(RuntimeException e) {
        return new EventMapper() {
            @Override
            public String provider() {
                return "acme";
            }

            @Override
            public List<CanonicalEvent> map(QueuedEvent event) {
                throw e;
            }
        };
    }

    @Test
    void whatAPureMapperThrowsIsPermanentAndTheCauseQuotesNothingOfThePayload() {
        for (RuntimeException e : List.of(new DateTimeException("Instant exceeds minimum or maximum instant"),
                new ArithmeticException("long overflow"), new NumberFormatException("For input string: \"+34600111222\""),
                new IllegalArgumentException("Cannot deserialize value \"+34600111222 dice hola\""))) {
            assertThatThrownBy(() -> DeliverySteps.map(throwing(e), QUEUED)).as(e.getClass().getSimpleName())
                    .isInstanceOf(PermanentException.class)
                    .hasMessageContaining("acme:evt_1").hasMessageContaining(e.getClass().getSimpleName())
                    .hasMessageNotContaining("+34600111222").hasMessageNotContaining("hola");
        }
    }

    @Test
    void aMappersOwnClassificationIsKept() {
        PermanentException permanent = new PermanentException("field x is wrong");
        TransientException transientFault = new TransientException("later");
        assertThatThrownBy(() -> DeliverySteps.map(throwing(permanent), QUEUED)).isSameAs(permanent);
        assertThatThrownBy(() -> DeliverySteps.map(throwing(transientFault), QUEUED)).isSameAs(transientFault);
    }

    /** A parked event replayed whose payload the door would now refuse (an id over the limit) cannot become readable. */
    @Test
    void aParkedReplayTheInterpreterRefusesIsPermanent() {
        dev.pasarela.pipeline.ingress.WebhookInterpreter refusing = new dev.pasarela.pipeline.ingress.WebhookInterpreter() {
            @Override
            public String provider() {
                return "acme";
            }

            @Override
            public List<dev.pasarela.pipeline.ingress.InboundEvent> interpret(byte[] body) {
                return List.of(new dev.pasarela.pipeline.ingress.InboundEvent(
                        dev.pasarela.pipeline.ingress.WebhookIds.check("acme event id", "e".repeat(300)),
                        "acme.thing", true, List.of(), null, body));
            }
        };
        DeliverySteps steps = new DeliverySteps(List.of(), new org.springframework.beans.factory.support
                .StaticListableBeanFactory().getBeanProvider(dev.pasarela.pipeline.transform.EventEnricher.class),
                List.of(refusing), List.of(), null, new SimpleMeterRegistry());
        org.apache.camel.Exchange parked = new org.apache.camel.support.DefaultExchange(
                new org.apache.camel.impl.DefaultCamelContext());
        parked.getIn().setBody(QUEUED.payload()); // no tenant header: a replay from parked.unknown-tenant
        assertThatThrownBy(() -> steps.restore(parked, "acme")).isInstanceOf(PermanentException.class)
                .hasMessageContaining("acme event id").hasMessageContaining("300").hasMessageNotContaining("eeee");
    }

    @Test
    void aKeyTooLongForTheDedupeTableIsRefusedBeforeTheEnqueueAndAFailedInsertIsCounted() throws Exception {
        DriverManagerDataSource ds = dedupeTable();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // keys stay pending that long: no race with the writer
        IdempotencyConfiguration.GuardedRepository repo = started(ds, meters, java.time.Duration.ofSeconds(2));

        String atLimit = "k".repeat(dev.pasarela.pipeline.ingress.WebhookIds.MAX_EVENT_KEY_LENGTH);
        assertThat(repo.contains(atLimit)).isFalse();
        assertThat(repo.add(atLimit)).isTrue();
        assertThat(repo.contains(atLimit)).isTrue();

        String over = "k".repeat(dev.pasarela.pipeline.ingress.WebhookIds.MAX_EVENT_KEY_LENGTH + 1);
        // a 400 invalid-payload, not a 503: the provider's retry carries the same key
        assertThatThrownBy(() -> repo.contains(over)).isInstanceOfSatisfying(dev.pasarela.api.ProblemException.class,
                p -> assertThat(p.detail()).contains("513").doesNotContain("kkkk"))
                .extracting("status").isEqualTo(400);
        // the insert itself, were it reached: written behind the request, it fails loudly and is
        // counted, not swallowed
        repo.add(over);
        org.awaitility.Awaitility.await().untilAsserted(() ->
                assertThat(meters.counter("pasarela.dedupe.insert.failures").count()).isEqualTo(1));
        assertThat(new JdbcTemplate(ds).queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class))
                .isEqualTo(1); // the key at the limit
        repo.close();
    }

    /**
     * Camel stops a route's repository with the route, and every provider's route shares this one: a
     * stop leaves it writing keys; only its close (the application's end) ends the writer.
     */
    @Test
    void aStopLeavesTheKeysWrittenAndACloseWritesThoseTakenThenRefuses() throws Exception {
        DriverManagerDataSource ds = dedupeTable();
        IdempotencyConfiguration.GuardedRepository repo = started(ds, new SimpleMeterRegistry(),
                java.time.Duration.ofSeconds(30));
        repo.stop(); // one route stopped
        assertThat(repo.add("acme:evt_after_stop")).isTrue();
        repo.start(); // that route started again
        assertThat(repo.add("acme:evt_after_start")).isTrue();
        repo.close(); // writes what it took, though its delay (30 s) has not passed
        assertThat(new JdbcTemplate(ds).queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED ORDER BY messageId",
                String.class)).containsExactly("acme:evt_after_start", "acme:evt_after_stop");
        assertThatThrownBy(() -> repo.add("acme:evt_after_close")).isInstanceOf(IllegalStateException.class);
    }

    /** A duplicate's dedupe completes too, and Camel adds its key: known, so nothing is queued to write. */
    @Test
    void aDuplicatesCompletionQueuesNoWrite() throws Exception {
        DriverManagerDataSource ds = dedupeTable();
        IdempotencyConfiguration.GuardedRepository repo = started(ds, new SimpleMeterRegistry(),
                java.time.Duration.ofSeconds(30));
        try (org.apache.camel.CamelContext camel = new org.apache.camel.impl.DefaultCamelContext()) {
            org.apache.camel.Exchange duplicate = new org.apache.camel.support.DefaultExchange(camel);
            duplicate.setProperty(org.apache.camel.ExchangePropertyKey.DUPLICATE_MESSAGE, true);
            assertThat(repo.add(duplicate, "acme:evt_dup")).isFalse();
            assertThat(repo.contains("acme:evt_dup")).isFalse(); // neither pending nor written
            org.apache.camel.Exchange first = new org.apache.camel.support.DefaultExchange(camel);
            assertThat(repo.add(first, "acme:evt_new")).isTrue();
            assertThat(repo.contains("acme:evt_new")).isTrue();
        } finally {
            repo.close();
        }
        assertThat(new JdbcTemplate(ds).queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED", String.class))
                .containsExactly("acme:evt_new");
    }

    /** The repository on the table, started as a route starts it; keys are written after {@code writeDelay}. */
    static IdempotencyConfiguration.GuardedRepository started(DriverManagerDataSource ds, SimpleMeterRegistry meters,
                                                              java.time.Duration writeDelay) {
        IdempotencyConfiguration.GuardedRepository repo = new IdempotencyConfiguration.GuardedRepository(
                new dev.pasarela.store.jdbc.JdbcExpiringKeys(ds, "CAMEL_MESSAGEPROCESSED", "webhooks"), meters,
                java.time.Clock.systemUTC(), writeDelay);
        repo.start();
        return repo;
    }

    static DriverManagerDataSource dedupeTable() throws java.io.IOException {
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:h2:mem:dedupe-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        String schema = Files.readString(Path.of("src/main/resources/schema.sql"), StandardCharsets.UTF_8);
        String table = schema.substring(schema.indexOf("CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED"));
        new JdbcTemplate(ds).execute(table.substring(0, table.indexOf(';')));
        return ds;
    }

    /** Two overlapping deliveries of one event both pass contains: the second add is a duplicate. */
    @Test
    void aLostInsertRaceIsADuplicateNotAFailure() throws Exception {
        DriverManagerDataSource ds = dedupeTable();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // keys stay pending that long: no race with the writer
        IdempotencyConfiguration.GuardedRepository repo = started(ds, meters, java.time.Duration.ofSeconds(2));
        assertThat(repo.add("acme:evt_race")).isTrue();
        assertThat(repo.add("acme:evt_race")).isFalse();
        assertThat(repo.contains("acme:evt_race")).isTrue();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        org.awaitility.Awaitility.await().until(() ->
                jdbc.queryForObject("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED", Integer.class) == 1);
        assertThat(repo.contains("acme:evt_race")).isTrue(); // from the table now
        assertThat(meters.find("pasarela.dedupe.insert.failures").counter()).isNull();
        assertThat(dev.pasarela.store.jdbc.JdbcExpiringKeys.uniqueViolation(
                new java.sql.SQLException("unique", "23505"))).isTrue();
        assertThat(dev.pasarela.store.jdbc.JdbcExpiringKeys.uniqueViolation(
                new java.sql.SQLException("gone", "08006"))).isFalse();
        repo.close();
    }
}
