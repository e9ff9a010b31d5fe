package dev.pasarela.pipeline.transform;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The normalised states of a message the gateway sent: every word the providers' mappers produce.
 * {@link #wireName()} is what stored documents and API answers carry, unchanged from the free
 * strings they held before. {@link #OTHER} is a provider word no state stands for (a message
 * deleted by its sender, a status of an inbound message): kept in the history under the
 * provider's own word, never moving the message's state.
 */
public enum DeliveryState {
    ACCEPTED("accepted", 0),
    QUEUED("queued", 0),
    SUBMITTED("submitted", 0),
    SCHEDULED("scheduled", 0),
    SENDING("sending", 0),
    PROCESSED("processed", 0),
    DEFERRED("deferred", 0),
    SENT("sent", 1),
    DELIVERED("delivered", 2),
    PARTIALLY_DELIVERED("partially_delivered", 2),
    READ("read", 3),
    PLAYED("played", 3),
    OPENED("opened", 3),
    CLICKED("clicked", 3),
    FAILED("failed", 4),
    UNDELIVERED("undelivered", 4),
    CANCELED("canceled", 4),
    BOUNCED("bounced", 4),
    DROPPED("dropped", 4),
    COMPLAINED("complained", 4),
    OTHER("other", -1);

    private static final Map<String, DeliveryState> BY_WIRE_NAME = Arrays.stream(values())
            .filter(s -> s != OTHER).collect(Collectors.toMap(DeliveryState::wireName, Function.identity()));

    private final String wireName;
    private final int rank;

    DeliveryState(String wireName, int rank) {
        this.wireName = wireName;
        this.rank = rank;
    }

    /** The state a (normalised, lower-case) word names; {@link #OTHER} for a word no state has. */
    public static DeliveryState of(String word) {
        return word == null ? OTHER : BY_WIRE_NAME.getOrDefault(word.toLowerCase(Locale.ROOT), OTHER);
    }

    public String wireName() {
        return wireName;
    }

    /**
     * accepted…deferred &lt; sent &lt; delivered &lt; read/opened/clicked; a failure ends the message
     * whenever it comes. Statuses arrive out of order: a lower rank never replaces a higher one.
     */
    public int rank() {
        return rank;
    }

    /**
     * Ends the message unreached (a notification then tries its next channel). A complaint came
     * after delivery, so it is ranked with the failures but is not one.
     */
    public boolean unreached() {
        return this == FAILED || this == UNDELIVERED || this == BOUNCED || this == DROPPED;
    }
}
