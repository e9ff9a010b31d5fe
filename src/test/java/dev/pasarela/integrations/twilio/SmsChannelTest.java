package dev.pasarela.integrations.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.pasarela.api.ProblemException;
import dev.pasarela.messaging.ConversationSink;
import dev.pasarela.messaging.MessagingProperties;
import dev.pasarela.messaging.NotificationDraft;
import dev.pasarela.messaging.Recipients;
import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmsChannelTest {

    static final String PHONE = "+5215512345678";

    DocumentStore store = mock(DocumentStore.class);
    SmsChannel sms = new SmsChannel(new Recipients(store, new MessagingProperties(Duration.ofHours(24), List.of("STOP")),
            Clock.systemUTC()), mock(TwilioSmsSender.class), new SimpleMeterRegistry());

    /** GSM-7: 160 in one, 153 per part; UCS-2 (an accent outside GSM-7, an emoji): 70 in one, 67 per part. */
    @ParameterizedTest
    @CsvSource({"a,160,1", "a,161,2", "a,306,2", "a,307,3", "á,70,1", "á,71,2", "á,134,2", "á,135,3", "é,160,1",
            "€,80,1", "€,81,2"})
    void segmentsFollowTheEncodingTheBodyNeeds(String character, int times, int segments) {
        assertThat(SmsChannel.segments(character.repeat(times))).isEqualTo(segments);
    }

    @Test
    void anEmojiTakesTwoUcs2Units() {
        assertThat(SmsChannel.segments("🚗".repeat(35))).isEqualTo(1);
        assertThat(SmsChannel.segments("🚗".repeat(36))).isEqualTo(2);
    }

    @Test
    void aBodyOverTwiliosLimitIsRefusedAndANotificationTooLongSkipsToTheNextChannel() {
        when(store.get(anyString())).thenReturn(Optional.empty());
        assertThatThrownBy(() -> sms.validate(SmsRequest.text("x".repeat(1601), null)))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.detail()).contains("1600"));
        assertThat(sms.validate(SmsRequest.text("x".repeat(1600), null)).body()).hasSize(1600);
        assertThat(sms.candidate(draft("x".repeat(1601))).skip()).isEqualTo("text-too-long");
        assertThat(sms.candidate(draft("🚗".repeat(400))).skipped()).as("800 characters, 12 segments: Twilio takes it")
                .isFalse();
        assertThat(sms.candidate(draft("Su cita es mañana")).request()).isEqualTo(SmsRequest.text("Su cita es mañana", null));
        assertThat(sms.candidate(draft(null)).skip()).isEqualTo("no-text");
    }

    @Test
    void aNumberThatOptedOutIsRefused() {
        when(store.get(anyString())).thenReturn(Optional.empty());
        when(store.get(ConversationSink.conversationPath("t1", "sms", PHONE)))
                .thenReturn(Optional.of(new Document("c", Map.of("optedOut", true))));
        assertThatThrownBy(() -> sms.checkAcceptable("t1", PHONE, SmsRequest.text("Hola", null)))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.type()).isEqualTo("recipient-opted-out"));
        assertThat(sms.candidate(draft("Hola")).skip()).isEqualTo("opted-out");
    }

    private static NotificationDraft draft(String text) {
        return new NotificationDraft("t1", PHONE, null, text, null, null, Map.of(), null, null, null, null);
    }
}
