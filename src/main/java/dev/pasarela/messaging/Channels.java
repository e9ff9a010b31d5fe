package dev.pasarela.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.tenants.NotificationChannelNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The registered {@link Channel} beans by name: the one list of channels the gateway has. */
@Component
public class Channels implements NotificationChannelNames {

    private final Map<String, Channel<?>> byName = new LinkedHashMap<>();
    private final ObjectMapper json;

    public Channels(List<Channel<?>> channels, ObjectMapper json) {
        channels.forEach(c -> {
            if (byName.put(c.name(), c) != null) {
                throw new IllegalStateException("Two channels are named " + c.name());
            }
        });
        this.json = json;
    }

    public Optional<Channel<?>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Channel<?> require(String name) {
        return find(name).orElseThrow(() -> new PermanentException("no channel " + name + " is registered"));
    }

    public Optional<NotificationChannel<?>> notificationChannel(String name) {
        return find(name).filter(NotificationChannel.class::isInstance).map(c -> (NotificationChannel<?>) c);
    }

    @Override
    public List<String> notificationChannels() {
        return byName.values().stream().filter(NotificationChannel.class::isInstance).map(Channel::name).sorted()
                .toList(); // sorted: the beans' order is the classpath scan's, not one worth showing
    }

    /** Sends a queued message through its channel, its request read back as the channel's record. */
    public String send(OutboundMessage message) {
        return send(require(message.channel()), message);
    }

    private <R extends ChannelRequest> String send(Channel<R> channel, OutboundMessage message) {
        R request;
        try {
            request = json.convertValue(message.request(), channel.requestType());
        } catch (IllegalArgumentException unreadable) { // a retry cannot make it readable
            throw new PermanentException("queued request does not fit " + channel.requestType().getSimpleName()
                    + ": " + unreadable.getClass().getSimpleName(), unreadable);
        }
        return channel.send(message, request);
    }
}
