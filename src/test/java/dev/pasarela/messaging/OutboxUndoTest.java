package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import dev.pasarela.store.Document;
import dev.pasarela.store.jdbc.JdbcDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * An agent's message that could not be queued is taken back: its record, its key, and its stamp on
 * the conversation's {@code lastAgentReplyAt} (else automatic replies would keep quiet for a message
 * nobody received), which goes back to the latest agent's message still accepted.
 */
class OutboxUndoTest {

    static final Instant BEFORE = Instant.parse("2026-03-02T11:50:00Z");
    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");

    @TempDir
    static Path dir;
    static DriverManagerDataSource dataSource;
    static JdbcDocumentStore store;

    final ProducerTemplate broker = mock(ProducerTemplate.class);
    /** A second later at every reading: each accept's stamp is its own instant. */
    final Clock clock = new Clock() {
        final java.util.concurrent.atomic.AtomicLong readings = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public Instant instant() {
            return NOW.plusSeconds(readings.getAndIncrement());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    };
    Outbox outbox;
    String tenant;

    record Text(String type, String body) implements ChannelRequest {}

    @BeforeAll
    static void open() {
        dataSource = dev.pasarela.support.EmbeddedDatabases.open(dir);
        store = new JdbcDocumentStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                BootObjectMapper.create(), Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        new JdbcTemplate(dataSource).execute("SHUTDOWN");
    }

    @BeforeEach
    void outbox() {
        tenant = "t-undo-" + UUID.randomUUID().toString().substring(0, 8);
        outbox = new Outbox(store, broker, noEmbeddedBroker(), new OutboundProperties(Duration.ofHours(24), 16), clock,
                BootObjectMapper.create(), new RequestFingerprints(BootObjectMapper.create()), new AgentReplies(clock));
        doThrow(new IllegalStateException("broker down")).when(broker)
                .sendBodyAndHeaders(anyString(), any(ExchangePattern.class), any(), anyMap());
    }

    /** The JMS producer, which this test makes fail, sends every message. */
    static dev.pasarela.pipeline.BrokerSideEnqueue noEmbeddedBroker() {
        var none = new org.springframework.beans.factory.support.StaticListableBeanFactory();
        return new dev.pasarela.pipeline.BrokerSideEnqueue(new dev.pasarela.pipeline.EmbeddedJmsBroker(
                none.getBeanProvider(org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ.class),
                none.getBeanProvider(jakarta.jms.ConnectionFactory.class)),
                Clock.systemUTC(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), java.time.Duration.ZERO);
    }

    OutboundRequest byAgent(String key) {
        return OutboundRequest.of(tenant, "sms", "+15550001111", new Text("text", "hola"), key);
    }

    Optional<Document> conversation() {
        return store.get(ConversationSink.conversationPath(tenant, "sms", "+15550001111"));
    }

    @Test
    void aConversationAnAgentHadWrittenToKeepsItsEarlierStamp() {
        store.set(ConversationSink.conversationPath(tenant, "sms", "+15550001111"), Map.of("channel", "sms",
                "contactId", "+15550001111", AgentReplies.LAST_AGENT_REPLY_AT, BEFORE.toString()));

        assertThatThrownBy(() -> outbox.accept(byAgent("cita-1"))).isInstanceOf(Outbox.NotQueuedException.class);

        assertThat(conversation().orElseThrow().field(AgentReplies.LAST_AGENT_REPLY_AT)).isEqualTo(BEFORE.toString());
        assertThat(store.query("tenants/" + tenant + "/messages", dev.pasarela.store.Query.all())).isEmpty();
        assertThat(store.query("tenants/" + tenant + "/idempotencyKeys", dev.pasarela.store.Query.all())).isEmpty();
    }

    @Test
    void aConversationNoAgentHadWrittenToIsLeftWithoutAStamp() {
        assertThatThrownBy(() -> outbox.accept(byAgent(null))).isInstanceOf(Outbox.NotQueuedException.class);

        assertThat(conversation().map(c -> c.field(AgentReplies.LAST_AGENT_REPLY_AT))).isEmpty();
    }

    @Test
    void twoAgentsMessagesThatFailTogetherLeaveTheStampOfTheLastOneSent() {
        store.set(ConversationSink.conversationPath(tenant, "sms", "+15550001111"), Map.of("channel", "sms",
                "contactId", "+15550001111", AgentReplies.LAST_AGENT_REPLY_AT, BEFORE.toString()));
        // the second is accepted while the first waits for the broker; the second is undone first
        OutboundRequest first = byAgent("cita-3").whenRecorded(id -> assertThatThrownBy(
                () -> outbox.accept(byAgent("cita-4"))).isInstanceOf(Outbox.NotQueuedException.class));

        assertThatThrownBy(() -> outbox.accept(first)).isInstanceOf(Outbox.NotQueuedException.class);

        assertThat(conversation().orElseThrow().field(AgentReplies.LAST_AGENT_REPLY_AT)).isEqualTo(BEFORE.toString());
        assertThat(store.query("tenants/" + tenant + "/messages", dev.pasarela.store.Query.all())).isEmpty();
    }

    @Test
    void twoAgentsMessagesThatFailTogetherUndoneInTheOrderTheyCameLeaveTheStampOfTheLastOneSent() throws Exception {
        store.set(ConversationSink.conversationPath(tenant, "sms", "+15550001111"), Map.of("channel", "sms",
                "contactId", "+15550001111", AgentReplies.LAST_AGENT_REPLY_AT, BEFORE.toString()));
        java.util.concurrent.CountDownLatch secondRecorded = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch firstUndone = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<?> second = other.submit(() -> {
                // recorded while the first waits for the broker; it reaches the broker after the first's undo
                return outbox.accept(byAgent("cita-8").whenRecorded(id -> {
                    secondRecorded.countDown();
                    awaitQuietly(firstUndone);
                }));
            });
            OutboundRequest first = byAgent("cita-7").whenRecorded(id -> awaitQuietly(secondRecorded));

            assertThatThrownBy(() -> outbox.accept(first)).isInstanceOf(Outbox.NotQueuedException.class);
            firstUndone.countDown();
            assertThatThrownBy(() -> second.get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(Outbox.NotQueuedException.class);
        } finally {
            other.shutdownNow();
        }

        assertThat(conversation().orElseThrow().field(AgentReplies.LAST_AGENT_REPLY_AT)).isEqualTo(BEFORE.toString());
    }

    static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            assertThat(latch.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLaterAgentsMessageThatWasQueuedKeepsItsStamp() {
        // the broker takes the second and fails the first
        org.mockito.Mockito.reset(broker);
        String[] second = new String[1];
        OutboundRequest first = byAgent("cita-5").whenRecorded(id -> {
            second[0] = outbox.accept(byAgent("cita-6")).id();
            doThrow(new IllegalStateException("broker down")).when(broker)
                    .sendBodyAndHeaders(anyString(), any(ExchangePattern.class), any(), anyMap());
        });

        assertThatThrownBy(() -> outbox.accept(first)).isInstanceOf(Outbox.NotQueuedException.class);

        assertThat(store.get(MessageHistory.messagePath(tenant, second[0]))).isPresent();
        Document conversation = conversation().orElseThrow();
        assertThat((java.util.List<?>) conversation.field("agentReplies")).singleElement()
                .isEqualTo(Map.of("messageId", second[0], "at", conversation.field(AgentReplies.LAST_AGENT_REPLY_AT)));
    }
}
