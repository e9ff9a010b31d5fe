package dev.pasarela.integrations.twilio;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pasarela.messaging.ChannelRequest;

/**
 * An SMS as queued on {@code out.sms} and stored on the message: {@code {"type":"text",
 * "text":{"body":…},"mediaUrl":…}} (an MMS when a media URL is given).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SmsRequest(String type, Text text, String mediaUrl) implements ChannelRequest {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Text(String body) {}

    public static SmsRequest text(String body, String mediaUrl) {
        return new SmsRequest("text", new Text(body), mediaUrl);
    }

    public String body() {
        return text == null ? null : text.body();
    }
}
