package dev.pasarela.integrations.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.MessagingProperties;
import dev.pasarela.messaging.NotificationDraft;
import dev.pasarela.messaging.Recipients;
import dev.pasarela.messaging.SuppressionSink;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmailChannelTest {

    DocumentStore store = mock(DocumentStore.class);
    EmailChannel email = new EmailChannel(new Recipients(store, new MessagingProperties(Duration.ofHours(24), List.of("STOP")),
            Clock.systemUTC()), mock(EmailSender.class));

    @BeforeEach
    void nothingStored() {
        when(store.get(anyString())).thenReturn(Optional.empty());
    }

    @Test
    void aTemplateIsOneIdOrOneOfEachProvider() {
        assertThat(email.validate(request("d-123", null, null)).template()).isEqualTo("d-123");
        assertThat(email.validate(request(Map.of("sendgrid", "d-1", "resend", "r-1"), null, null)).template())
                .isEqualTo(Map.of("sendgrid", "d-1", "resend", "r-1"));
        assertThatThrownBy(() -> email.validate(request(Map.of("mailgun", "x"), null, null)))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.detail()).startsWith("template is"));
        assertThatThrownBy(() -> email.validate(request(null, "Asunto", null)))
                .hasMessageContaining("a subject and html");
        assertThat(email.validate(request(null, "Asunto", "<p>Hola</p>")).type()).isEqualTo("email");
    }

    @Test
    void aSuppressedAddressIsRefusedAndSkipped() {
        when(store.get(SuppressionSink.path("t1", "ana@example.com")))
                .thenReturn(Optional.of(new Document("s", Map.of("reason", "hard_bounce", "at", "2026-01-01T00:00:00Z"))));
        assertThatThrownBy(() -> email.checkAcceptable("t1", "ana@example.com", request("d-1", null, null)))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.type()).isEqualTo("recipient-suppressed");
                    assertThat(p.getMessage()).doesNotContain("ana@example.com");
                });
        assertThat(email.candidate(draft("ana@example.com", "d-9", null)).skip()).isEqualTo("suppressed");
    }

    @Test
    void aNotificationIsTheKindsTemplateWithItsDataOrItsSubjectAndHtml() {
        EmailRequest templated = (EmailRequest) email.candidate(draft("luis@example.com", "d-9", null)).request();
        assertThat(templated.template()).isEqualTo("d-9");
        assertThat(templated.data()).containsEntry("name", "Luis");
        assertThat(templated.subject()).isNull();
        EmailRequest written = (EmailRequest) email.candidate(draft("luis@example.com", null, "Su cita")).request();
        assertThat(written.subject()).isEqualTo("Su cita");
        assertThat(written.html()).isEqualTo("<p>Hola Luis</p>");
        assertThat(written.data()).isNull();
        assertThat(email.candidate(draft("luis@example.com", null, null)).skip()).isEqualTo("no-email-content");
        assertThat(email.candidate(draft(null, "d-9", null)).skip()).isEqualTo("no-email");
    }

    private static EmailRequest request(Object template, String subject, String html) {
        return new EmailRequest("ana@example.com", null, template, null, subject, html, null);
    }

    private static NotificationDraft draft(String address, String templateId, String subject) {
        return new NotificationDraft("t1", null, address, "Hola Luis", subject, "<p>Hola Luis</p>",
                Map.of("name", "Luis"), templateId, null, null, null);
    }
}
