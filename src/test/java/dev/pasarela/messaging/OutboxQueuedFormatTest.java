package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.support.BootObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

/**
 * What the consumers read from {@code out.<channel>}: a message queued by a version before copies were
 * named (no {@code copy}, still on the queue across an upgrade) is read, as one queued by a later
 * version with fields this one does not know (a rollback); a body that is not a message is a
 * permanent failure, not retried.
 */
class OutboxQueuedFormatTest {

    final Outbox outbox = new Outbox(mock(dev.pasarela.store.DocumentStore.class), mock(ProducerTemplate.class),
            OutboxUndoTest.noEmbeddedBroker(), new OutboundProperties(Duration.ofHours(24), 16), Clock.systemUTC(), BootObjectMapper.create(),
            new RequestFingerprints(BootObjectMapper.create()), new AgentReplies(Clock.systemUTC()));

    static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMessageQueuedBeforeCopiesWereNamedIsReadWithoutACopy() {
        OutboundMessage m = outbox.read(utf8("""
                {"id":"msg_1","tenantId":"autos-garcia","channel":"whatsapp","to":"5215512345678",
                 "request":{"type":"text","text":{"body":"hola"}},"createdAt":"2026-11-30T10:00:00.000000Z"}"""));

        assertThat(m.copy()).isNull();
        assertThat(m.id()).isEqualTo("msg_1");
        assertThat(m.tenantId()).isEqualTo("autos-garcia");
        assertThat(m.request()).isEqualTo(Map.of("type", "text", "text", Map.of("body", "hola")));
        assertThat(m.createdAt()).isEqualTo("2026-11-30T10:00:00.000000Z");
    }

    @Test
    void aMessageQueuedByALaterVersionIsReadWithoutTheFieldsThisOneDoesNotKnow() {
        OutboundMessage m = outbox.read(utf8("""
                {"id":"msg_2","tenantId":"autos-garcia","channel":"sms","to":"+15550001111",
                 "request":{"type":"text","text":{"body":"hola"}},"createdAt":"2026-12-01T10:00:00.000000Z",
                 "copy":"cpy_a","priority":"high"}"""));

        assertThat(m.copy()).isEqualTo("cpy_a");
        assertThat(m.channel()).isEqualTo("sms");
    }

    @Test
    void aBodyThatIsNotAMessageFailsPermanently() {
        assertThatThrownBy(() -> outbox.read(utf8("{\"id\":")))
                .isInstanceOf(PermanentException.class)
                .hasMessage("queued message is not readable");
    }
}
