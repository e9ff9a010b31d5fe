package dev.pasarela.pipeline.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.transform.EventTimes;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The documented id limits (docs/limits.md) and the timestamp range every store holds. */
class WebhookIdsTest {

    @Test
    void idsUpTo255PrintableAsciiCharactersPassAndAnAbsentIdIsTheInterpretersBusiness() {
        String max = "~ !".repeat(85);
        assertThat(WebhookIds.check("id", max)).isEqualTo(max);
        assertThat(WebhookIds.check("id", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=")).isNotNull();
        assertThat(WebhookIds.check("id", null)).isNull();
    }

    @Test
    void aLongerOrNonAsciiIdIsTheInvalidPayloadProblemNamingTheFieldNotTheValue() {
        assertThatThrownBy(() -> WebhookIds.check("MessageSid", "SM" + "9".repeat(4_998)))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(400);
                    assertThat(p.type()).isEqualTo("invalid-payload");
                    assertThat(p.detail()).contains("MessageSid", "5000", "255").doesNotContain("9999");
                });
        for (String bad : new String[] {"evt_\u00e9", "evt_\n1", "evt_\ud800", "evt_\u0000"}) {
            assertThatThrownBy(() -> WebhookIds.check("event id", bad)).isInstanceOf(ProblemException.class);
        }
    }

    @Test
    void theEventKeyBackstopIsTheDedupeColumn() {
        WebhookIds.checkEventKey("k".repeat(WebhookIds.MAX_EVENT_KEY_LENGTH));
        assertThatThrownBy(() -> WebhookIds.checkEventKey("k".repeat(WebhookIds.MAX_EVENT_KEY_LENGTH + 1)))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400));
        // it travels as a callback's X-Pasarela-Event-Id header: ASCII only
        assertThatThrownBy(() -> WebhookIds.checkEventKey("provider:evt_ñ"))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400));
    }

    @Test
    void timestampsAreHeldToWhatFirestoreStores() {
        assertThat(EventTimes.fromSeconds(1_749_416_383L)).contains(Instant.parse("2025-06-08T20:59:43Z"));
        assertThat(EventTimes.fromSeconds(EventTimes.MAX.getEpochSecond())).isPresent();
        assertThat(EventTimes.fromSeconds(EventTimes.MAX.getEpochSecond() + 1)).isEmpty();
        assertThat(EventTimes.fromSeconds(Long.MAX_VALUE)).isEmpty();
        assertThat(EventTimes.fromSeconds(Long.MIN_VALUE)).isEmpty();
        assertThat(EventTimes.fromMillis(Long.MAX_VALUE)).isEmpty();
        assertThatThrownBy(() -> EventTimes.seconds("WhatsApp message timestamp", "9223372036854775807"))
                .isInstanceOf(dev.pasarela.pipeline.errors.PermanentException.class)
                .hasMessageContaining("WhatsApp message timestamp");
        assertThatThrownBy(() -> EventTimes.check("created_at", Instant.MAX))
                .isInstanceOf(dev.pasarela.pipeline.errors.PermanentException.class);
    }
}
