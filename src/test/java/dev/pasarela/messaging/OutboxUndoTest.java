package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import dev.pasarela.store.Document;
import dev.pasarela.store.embedded.EmbeddedDocumentStore;
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
 * An agent's message that could not be queued is taken back whole: its record, its key, and the
 * conversation's {@code lastAgentReplyAt} it moved (else automatic replies would keep quiet for a
 * message nobody received), unless a later agent's message moved it since.
 */
class OutboxUndoTest {

    static final Instant BEFORE = Instant.parse("2026-03-02T11:50:00Z");
    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");

    @TempDir
    static Path dir;
    static DriverManagerDataSource dataSource;
    static EmbeddedDocumentStore store;

    final ProducerTemplate broker = mock(ProducerTemplate.class);
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Outbox outbox;
    String tenant;

    record Text(String type, String body) implements ChannelRequest {}

    @BeforeAll
    static void open() {
        dataSource = dev.pasarela.support.EmbeddedDatabases.open(dir);
        store = new EmbeddedDocumentStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                BootObjectMapper.create(), Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        new JdbcTemplate(dataSource).execute("SHUTDOWN");
    }

    @BeforeEach
    void outbox() {
        tenant = "t-undo-" + UUID.randomUUID().toString().substring(0, 8);
        outbox = new Outbox(store, broker, new OutboundProperties(Duration.ofHours(24), 16), clock,
                BootObjectMapper.create(), new RequestFingerprints(BootObjectMapper.create()), new AgentReplies(clock));
        doThrow(new IllegalStateException("broker down")).when(broker)
                .sendBodyAndHeaders(anyString(), any(ExchangePattern.class), any(), anyMap());
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
    void aLaterAgentsStampStays() {
        String later = NOW.plusSeconds(1).toString();
        // another agent's message is accepted between this one's record and its undo
        OutboundRequest racing = byAgent("cita-2").whenRecorded(id -> store.merge(
                ConversationSink.conversationPath(tenant, "sms", "+15550001111"),
                Map.of(AgentReplies.LAST_AGENT_REPLY_AT, later)));

        assertThatThrownBy(() -> outbox.accept(racing)).isInstanceOf(Outbox.NotQueuedException.class);

        assertThat(conversation().orElseThrow().field(AgentReplies.LAST_AGENT_REPLY_AT)).isEqualTo(later);
    }
}
