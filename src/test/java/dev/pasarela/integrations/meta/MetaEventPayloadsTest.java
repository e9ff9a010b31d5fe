package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.support.BootObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each event's queued payload is its one-event webhook written compactly, as {@code JsonNode.toString()}
 * writes it: the form events queued before were in, so a replay of either reads the same.
 */
class MetaEventPayloadsTest {

    private final ObjectMapper json = BootObjectMapper.create();
    private final MetaWebhookInterpreter interpreter = new MetaWebhookInterpreter(json);

    @ParameterizedTest
    @ValueSource(strings = {"instagram.comment.json", "instagram.message.json", "messenger.delivery.json",
            "messenger.message.json", "messenger.postback.json", "page.feed.comment.json",
            "whatsapp.batch.two-numbers.json", "whatsapp.image.json", "whatsapp.location.json",
            "whatsapp.quality_update.json", "whatsapp.statuses.json", "whatsapp.template_status.json",
            "whatsapp.text.json"})
    void everyPayloadIsItsTreeWrittenCompactly(String fixture) throws Exception {
        for (InboundEvent event : interpreter.interpret(MetaEventMapperTest.fixture(fixture))) {
            String payload = new String(event.payload(), StandardCharsets.UTF_8);
            assertThat(payload).as(event.eventKey()).isEqualTo(json.readTree(event.payload()).toString());
            if (event.processable()) { // the only ones queued, and so replayed
                assertThat(interpreter.interpret(event.payload())).as("replayed " + event.eventKey())
                        .extracting(InboundEvent::eventKey).containsExactly(event.eventKey());
            }
        }
    }
}
