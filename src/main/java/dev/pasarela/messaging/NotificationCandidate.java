package dev.pasarela.messaging;

/** A channel's answer for a notification: the recipient and request to queue, or the reason it skips. */
public record NotificationCandidate(String to, ChannelRequest request, String skip) {

    public static NotificationCandidate send(String to, ChannelRequest request) {
        return new NotificationCandidate(to, request, null);
    }

    public static NotificationCandidate skipped(String reason) {
        return new NotificationCandidate(null, null, reason);
    }

    public boolean skipped() {
        return skip != null;
    }
}
