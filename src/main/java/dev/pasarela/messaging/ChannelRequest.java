package dev.pasarela.messaging;

/**
 * A channel's request record, as queued on {@code out.<channel>} and stored on the message. Its
 * JSON keeps the shape queued messages always had ({@code type} and that type's fields), so a
 * message queued by an earlier version is read by this one.
 */
public interface ChannelRequest {

    /** {@code text}, {@code template}, {@code image}, {@code document}, {@code email}. */
    String type();
}
