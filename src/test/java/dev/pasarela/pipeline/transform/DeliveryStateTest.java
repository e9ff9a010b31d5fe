package dev.pasarela.pipeline.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliveryStateTest {

    /** Every word the four mappers produced as a free string before the enum, with the rank it had. */
    @ParameterizedTest
    @CsvSource({
            "accepted,ACCEPTED,0", "queued,QUEUED,0", "submitted,SUBMITTED,0", "scheduled,SCHEDULED,0",
            "sending,SENDING,0", "processed,PROCESSED,0", "deferred,DEFERRED,0", "sent,SENT,1",
            "delivered,DELIVERED,2", "partially_delivered,PARTIALLY_DELIVERED,2", "read,READ,3", "played,PLAYED,3",
            "opened,OPENED,3", "clicked,CLICKED,3", "failed,FAILED,4", "undelivered,UNDELIVERED,4",
            "canceled,CANCELED,4", "bounced,BOUNCED,4", "dropped,DROPPED,4", "complained,COMPLAINED,4"})
    void everyWordOfTheMappersHasItsStateRankAndWireName(String word, DeliveryState state, int rank) {
        assertThat(DeliveryState.of(word)).isEqualTo(state);
        assertThat(state.rank()).isEqualTo(rank);
        assertThat(state.wireName()).isEqualTo(word);
    }

    @Test
    void onlyFailuresBeforeDeliveryLeaveTheRecipientUnreached() {
        assertThat(List.of(DeliveryState.values())).filteredOn(DeliveryState::unreached)
                .containsExactlyInAnyOrder(DeliveryState.FAILED, DeliveryState.UNDELIVERED, DeliveryState.BOUNCED,
                        DeliveryState.DROPPED);
    }

    @Test
    void anUnknownWordIsKeptAsTheProvidersAndNeverMovesTheMessage() {
        DeliveryStatus deleted = status(DeliveryState.of("deleted"), "deleted");
        assertThat(deleted.state()).isEqualTo(DeliveryState.OTHER);
        assertThat(deleted.status()).isEqualTo("deleted");
        assertThat(deleted.rank()).isLessThan(DeliveryState.ACCEPTED.rank());
        assertThat(DeliveryState.of(null)).isEqualTo(DeliveryState.OTHER);
        assertThat(DeliveryState.of("other")).as("OTHER is no provider's word").isEqualTo(DeliveryState.OTHER);
    }

    @Test
    void theStoredStatusIsTheNormalisedWordAndTheProvidersWordStaysBeside() {
        DeliveryStatus open = status(DeliveryState.OPENED, "open");
        assertThat(open.status()).isEqualTo("opened");
        assertThat(open.providerStatus()).isEqualTo("open");
    }

    private static DeliveryStatus status(DeliveryState state, String word) {
        return new DeliveryStatus("t", "k", "sendgrid", Instant.EPOCH, "email", "m", "r", state, word, null, null);
    }
}
