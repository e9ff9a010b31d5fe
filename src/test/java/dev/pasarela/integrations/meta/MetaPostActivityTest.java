package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.transform.CanonicalEvent;
import dev.pasarela.pipeline.transform.PostActivity;
import dev.pasarela.pipeline.transform.QueuedEvent;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Page feed changes and Instagram comments: one event per change, and a {@link PostActivity} each. */
class MetaPostActivityTest {

    final ObjectMapper json = BootObjectMapper.create();
    final MetaWebhookInterpreter interpreter = new MetaWebhookInterpreter(json);
    final MetaEventMapper mapper = new MetaEventMapper(json, Clock.fixed(Instant.parse("2025-06-09T12:00:00Z"),
            ZoneOffset.UTC));

    static String fixture(String name) {
        return Fixtures.read("meta/" + name).trim();
    }

    List<CanonicalEvent> map(InboundEvent e) {
        return mapper.map(new QueuedEvent("meta", "t1", e.eventKey(), e.type(), e.payload()));
    }

    @Test
    void aPageCommentIsAPostActivityWithItsAuthorAndText() {
        List<InboundEvent> events = interpreter.interpret(fixture("page.feed.comment.json").getBytes(StandardCharsets.UTF_8));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.processable()).isTrue();
            assertThat(e.type()).isEqualTo("facebook.feed");
            assertThat(e.eventKey()).isEqualTo("meta:facebook:feed:998877665544332_1357924680:comment:add");
            assertThat(e.routingKeys()).containsExactly("facebook:112233445566778");
        });
        assertThat(map(events.get(0))).singleElement().isEqualTo(new PostActivity("t1",
                "meta:facebook:feed:998877665544332_1357924680:comment:add", "meta", Instant.ofEpochSecond(1749416399),
                "facebook", "112233445566778_998877665544332", "comment", "add", "998877665544332_1357924680",
                "112233445566778_998877665544332", "6789012345678901", "Marta Gómez", "¿Sigue disponible el Corolla rojo? 🚗"));
    }

    @Test
    void anInstagramCommentIsAPostActivityOnItsMedia() {
        List<InboundEvent> events = interpreter.interpret(fixture("instagram.comment.json").getBytes(StandardCharsets.UTF_8));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("instagram.comment");
            assertThat(e.eventKey()).isEqualTo("meta:instagram:comment:17865799348089039");
            assertThat(e.routingKeys()).containsExactly("instagram:17841405309211844");
        });
        PostActivity a = (PostActivity) map(events.get(0)).get(0);
        assertThat(a.channel()).isEqualTo("instagram");
        assertThat(a.postId()).isEqualTo("18060425656542357");
        assertThat(a.itemId()).isEqualTo("17865799348089039");
        assertThat(a.authorName()).isEqualTo("lucia.autos");
        assertThat(a.text()).isEqualTo("¿Cuánto cuesta? Me encanta 😍");
        assertThat(a.occurredAt()).isEqualTo(Instant.ofEpochSecond(1749416500));
        assertThat(a.toString()).doesNotContain("Cuánto").doesNotContain("lucia"); // personal data stays out of logs
    }

    @Test
    void eachChangeIsItsOwnEventAndItsPayloadReadsBackAsTheSameEvent() {
        String page = "{\"object\":\"page\",\"entry\":[{\"id\":\"42\",\"time\":1749416400,\"changes\":["
                + "{\"field\":\"feed\",\"value\":{\"item\":\"reaction\",\"verb\":\"add\",\"reaction_type\":\"love\","
                + "\"post_id\":\"42_7\",\"parent_id\":\"42_7\",\"from\":{\"id\":\"901\",\"name\":\"Ana\"},\"created_time\":1749416390}},"
                + "{\"field\":\"feed\",\"value\":{\"item\":\"reaction\",\"verb\":\"add\",\"reaction_type\":\"like\","
                + "\"post_id\":\"42_7\",\"parent_id\":\"42_7\",\"from\":{\"id\":\"902\",\"name\":\"Luis\"},\"created_time\":1749416391}},"
                + "{\"field\":\"feed\",\"value\":{\"item\":\"comment\",\"verb\":\"edited\",\"comment_id\":\"7_55\","
                + "\"post_id\":\"42_7\",\"message\":\"otro\",\"from\":{\"id\":\"903\"},\"created_time\":1749416000}},"
                + "{\"field\":\"ratings\",\"value\":{\"item\":\"rating\",\"verb\":\"add\"}}]}]}";
        List<InboundEvent> events = interpreter.interpret(page.getBytes(StandardCharsets.UTF_8));
        assertThat(events).extracting(InboundEvent::eventKey).containsExactly(
                "meta:facebook:feed:42_7:reaction:add:901", "meta:facebook:feed:42_7:reaction:add:902",
                "meta:facebook:feed:7_55:comment:edited:1749416400", events.get(3).eventKey());
        assertThat(events.get(3).type()).isEqualTo("page.other");
        assertThat(events.get(3).processable()).isFalse();
        for (InboundEvent e : events.subList(0, 3)) {
            assertThat(interpreter.interpret(e.payload())).singleElement()
                    .satisfies(again -> assertThat(again.eventKey()).isEqualTo(e.eventKey()));
        }
        PostActivity reaction = (PostActivity) map(events.get(1)).get(0);
        assertThat(reaction.item()).isEqualTo("reaction");
        assertThat(reaction.itemId()).isNull();
        assertThat(reaction.authorId()).isEqualTo("902");
    }

    @Test
    void reactionsOfTwoPeopleOnOneCommentAreTwoEvents() {
        String page = "{\"object\":\"page\",\"entry\":[{\"id\":\"42\",\"time\":1749416400,\"changes\":["
                + "{\"field\":\"feed\",\"value\":{\"item\":\"reaction\",\"verb\":\"add\",\"comment_id\":\"7_55\","
                + "\"post_id\":\"42_7\",\"from\":{\"id\":\"901\"}}},"
                + "{\"field\":\"feed\",\"value\":{\"item\":\"reaction\",\"verb\":\"add\",\"comment_id\":\"7_55\","
                + "\"post_id\":\"42_7\",\"from\":{\"id\":\"902\"}}}]}]}";
        assertThat(interpreter.interpret(page.getBytes(StandardCharsets.UTF_8))).extracting(InboundEvent::eventKey)
                .containsExactly("meta:facebook:feed:7_55:reaction:add:901", "meta:facebook:feed:7_55:reaction:add:902");
    }

    @Test
    void feedChangesWithNothingToKeyOnAndOtherFieldsStayAcknowledgedOnly() {
        String noIds = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1749416400000,\"changes\":[{\"field\":\"feed\","
                + "\"value\":{\"item\":\"comment\",\"verb\":\"add\"}}]}]}";
        String mentions = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"5\",\"time\":1749416400,\"changes\":[{\"field\":\"mentions\","
                + "\"value\":{\"media_id\":\"9\",\"comment_id\":\"10\"}}]}]}";
        assertThat(interpreter.interpret(noIds.getBytes(StandardCharsets.UTF_8))).singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo("page.other"));
        assertThat(interpreter.interpret(mentions.getBytes(StandardCharsets.UTF_8))).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("instagram.other");
            assertThat(e.processable()).isFalse();
        });
    }
}
