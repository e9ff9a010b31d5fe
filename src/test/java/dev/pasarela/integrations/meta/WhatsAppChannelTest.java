package dev.pasarela.integrations.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.messaging.MessagingProperties;
import dev.pasarela.messaging.NotificationCandidate;
import dev.pasarela.messaging.NotificationDraft;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WhatsAppChannelTest {

    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    static final String PHONE = "+5215512345678";

    DocumentStore store = mock(DocumentStore.class);
    WhatsAppTemplates templates = mock(WhatsAppTemplates.class);
    WhatsAppChannel channel;

    @BeforeEach
    void setUp() {
        when(store.get(anyString())).thenReturn(Optional.empty());
        when(templates.status(anyString(), anyString(), anyString())).thenReturn(Optional.empty());
        Recipients recipients = new Recipients(store, new MessagingProperties(Duration.ofHours(24), List.of("STOP")),
                Clock.fixed(NOW, ZoneOffset.UTC));
        channel = new WhatsAppChannel(recipients, templates, mock(MetaSenders.class));
    }

    void lastWrote(Duration ago, boolean optedOut) {
        when(store.get(ConversationSink.conversationPath("t1", "whatsapp", PHONE.substring(1))))
                .thenReturn(Optional.of(new Document("c", Map.of("lastInboundAt", NOW.minus(ago).toString(),
                        "optedOut", optedOut, "optOutChangedAt", NOW.toString()))));
    }

    @Test
    void aTextGoesOnlyInsideTheServiceWindow() {
        WhatsAppRequest text = channel.validate(new WhatsAppRequest(PHONE, "text",
                new WhatsAppRequest.Text("Hola", null), null, null, null, null));
        lastWrote(Duration.ofHours(23), false);
        channel.checkAcceptable("t1", PHONE, text);
        lastWrote(Duration.ofHours(25), false);
        assertThatThrownBy(() -> channel.checkAcceptable("t1", PHONE, text))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(422);
                    assertThat(p.type()).isEqualTo("template-required");
                });
    }

    @Test
    void aTemplateGoesOutsideTheWindowUnlessMetaDidNotApproveIt() {
        WhatsAppRequest template = channel.validate(new WhatsAppRequest(PHONE, "template", null,
                new WhatsAppRequest.Template("cita", "es_MX", null), null, null, null));
        channel.checkAcceptable("t1", PHONE, template); // never wrote, status unknown: Meta decides
        when(templates.status("t1", "cita", "es_MX")).thenReturn(Optional.of("REJECTED"));
        assertThatThrownBy(() -> channel.checkAcceptable("t1", PHONE, template))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.type()).isEqualTo("template-not-approved");
                    assertThat(p.detail()).contains("REJECTED");
                });
    }

    @Test
    void aContactWhoOptedOutIsRefusedEvenInsideTheWindow() {
        lastWrote(Duration.ofMinutes(5), true);
        WhatsAppRequest text = WhatsAppRequest.text("Hola");
        assertThatThrownBy(() -> channel.checkAcceptable("t1", PHONE, text))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.type()).isEqualTo("recipient-opted-out"));
    }

    @Test
    void validationKeepsOnlyTheTypesContentAndNamesTheRule() {
        WhatsAppRequest image = channel.validate(new WhatsAppRequest(PHONE, "image", new WhatsAppRequest.Text("x", null),
                null, new WhatsAppRequest.Media("https://cdn.example/a.jpg", " ", "a.jpg"), null, ""));
        assertThat(image.text()).isNull();
        assertThat(image.image()).isEqualTo(new WhatsAppRequest.Media("https://cdn.example/a.jpg", null, null));
        assertThat(image.replyTo()).isNull();
        assertThatThrownBy(() -> channel.validate(new WhatsAppRequest(PHONE, "text", new WhatsAppRequest.Text("x".repeat(4097),
                null), null, null, null, null))).hasMessageContaining("4096");
        assertThatThrownBy(() -> channel.validate(new WhatsAppRequest(PHONE, "image", null, null,
                new WhatsAppRequest.Media("http://plain.example/a.jpg", null, null), null, null)))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> channel.validate(new WhatsAppRequest(PHONE, "template", null,
                new WhatsAppRequest.Template("Cita", "es_MX", null), null, null, null))).hasMessageContaining("template.name");
    }

    @Test
    void aNotificationIsTheTextInsideTheWindowAndTheKindsTemplateOutsideIt() {
        NotificationDraft draft = new NotificationDraft("t1", PHONE, null, "Hola Ana", null, null,
                Map.of("name", "Ana", "date", "lunes"), null, "recordatorio_cita", null, List.of("name", "date"));
        lastWrote(Duration.ofHours(1), false);
        NotificationCandidate inside = channel.candidate(draft);
        assertThat(inside.request()).isEqualTo(WhatsAppRequest.text("Hola Ana"));

        lastWrote(Duration.ofDays(3), false);
        WhatsAppRequest outside = (WhatsAppRequest) channel.candidate(draft).request();
        assertThat(outside.type()).isEqualTo("template");
        assertThat(outside.template().name()).isEqualTo("recordatorio_cita");
        assertThat(outside.template().language()).isEqualTo("es_MX");
        assertThat(outside.template().components()).isEqualTo(List.of(Map.of("type", "body", "parameters", List.of(
                Map.of("type", "text", "text", "Ana"), Map.of("type", "text", "text", "lunes")))));

        when(templates.status("t1", "recordatorio_cita", "es_MX")).thenReturn(Optional.of("PAUSED"));
        assertThat(channel.candidate(draft).skip()).isEqualTo("template-not-approved");
        NotificationDraft noTemplate = new NotificationDraft("t1", PHONE, null, "Hola", null, null, Map.of(), null,
                null, null, null);
        assertThat(channel.candidate(noTemplate).skip()).isEqualTo("outside-window-no-template");
        assertThat(channel.candidate(new NotificationDraft("t1", null, "a@b.co", "Hola", null, null, Map.of(), null,
                null, null, null)).skip()).isEqualTo("no-phone");
        lastWrote(Duration.ofHours(1), true);
        assertThat(channel.candidate(draft).skip()).isEqualTo("opted-out");
    }

    @Test
    void aSendsAddressAndItsConversationsContactAreTheSameNumberWithAndWithoutPlus() {
        assertThat(channel.contactId(PHONE)).isEqualTo("5215512345678");
        assertThat(channel.address("5215512345678")).isEqualTo(PHONE);
        assertThat(channel.address(PHONE)).isEqualTo(PHONE);
        WhatsAppRequest text = channel.validate(channel.text("Abrimos de lunes a sábado de 9:00 a 20:00."));
        assertThat(text.type()).isEqualTo("text");
        assertThat(text.text().body()).isEqualTo("Abrimos de lunes a sábado de 9:00 a 20:00.");
    }
}
