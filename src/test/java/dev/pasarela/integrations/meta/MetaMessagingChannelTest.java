package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.messaging.MessagingProperties;
import dev.pasarela.messaging.Recipients;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetaMessagingChannelTest {

    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    static final String PSID = "6745129812";

    DocumentStore store = mock(DocumentStore.class);
    MetaMessagingChannel messenger = new MetaMessagingChannel("messenger", new Recipients(store,
            new MessagingProperties(Duration.ofHours(24), List.of("STOP")), Clock.fixed(NOW, ZoneOffset.UTC)), mock(MetaSenders.class));

    @Test
    void outsideTheWindowOnlyATaggedMessageGoes() {
        when(store.get(anyString())).thenReturn(Optional.empty());
        when(store.get(ConversationSink.conversationPath("t1", "messenger", PSID))).thenReturn(Optional.of(
                new Document("c", Map.of("lastInboundAt", NOW.minus(Duration.ofDays(2)).toString()))));
        MetaMessagingRequest untagged = messenger.validate(new MetaMessagingRequest(PSID, null,
                new MetaMessagingRequest.Text("Su auto está listo"), null, null));
        assertThat(untagged.type()).as("text is the default type").isEqualTo("text");
        assertThatThrownBy(() -> messenger.checkAcceptable("t1", PSID, untagged))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.type()).isEqualTo("message-tag-required"));
        MetaMessagingRequest tagged = messenger.validate(new MetaMessagingRequest(PSID, "text",
                new MetaMessagingRequest.Text("Su auto está listo"), null, "POST_PURCHASE_UPDATE"));
        messenger.checkAcceptable("t1", PSID, tagged);
    }

    @Test
    void onlyMetasNonPromotionalTagsAreTakenAndBothSpendTheSocialQuota() {
        assertThatThrownBy(() -> messenger.validate(new MetaMessagingRequest(PSID, "text",
                new MetaMessagingRequest.Text("Oferta"), null, "PROMOTION")))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(400);
                    assertThat(p.detail()).startsWith("tag must be one of");
                });
        assertThat(messenger.quota()).isEqualTo("social-messages");
    }

    @Test
    void aPlainTextIsATextMessageAndTheContactIsTheAddress() {
        MetaMessagingRequest text = messenger.validate(messenger.text("¡Hola! Sí, el SEAT León sigue disponible."));
        assertThat(text.type()).isEqualTo("text");
        assertThat(text.text().body()).isEqualTo("¡Hola! Sí, el SEAT León sigue disponible.");
        assertThat(text.tag()).isNull();
        assertThat(messenger.contactId(PSID)).isEqualTo(PSID);
        assertThat(messenger.address(PSID)).isEqualTo(PSID);
    }
}
