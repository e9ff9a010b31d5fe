package dev.pasarela.messaging;

/** A channel a notification can go out on: it knows how to reach a phone number or an address. */
public interface NotificationChannel<R extends ChannelRequest> extends Channel<R> {

    /**
     * What this channel would send for the notification now, or why it cannot (no number, opted
     * out, outside the window without a template, suppressed): a skip reason kept on the attempt.
     */
    NotificationCandidate candidate(NotificationDraft draft);
}
