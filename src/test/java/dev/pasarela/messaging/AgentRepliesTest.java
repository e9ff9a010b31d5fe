package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which sends count as an agent answering a conversation, and where that is noted. */
class AgentRepliesTest {

    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");

    final AgentReplies agentReplies = new AgentReplies(Clock.fixed(NOW, ZoneOffset.UTC));

    static OutboundRequest send(String to, Map<String, Object> annotations) {
        ChannelRequest text = () -> "text";
        return OutboundRequest.of("t1", "sms", to, text, null).annotated(annotations);
    }

    @Test
    void anAgentsMessageMovesTheConversationsLastAgentReplyAt() {
        assertThat(agentReplies.stamp(send("+34612345678", Map.of()))).isEqualTo(Map.of("lastAgentReplyAt", NOW.toString()));
    }

    @Test
    void automaticRepliesAndNotificationsAreNotAnAgent() {
        assertThat(agentReplies.stamp(send("+34612345678", Map.of(AgentReplies.ORIGIN, AgentReplies.ORIGIN_AUTO_REPLY))))
                .isEmpty();
        assertThat(agentReplies.stamp(send("+34612345678", Map.of("notificationId", "ntf_1")))).isEmpty();
    }
}
