package dev.pasarela.messaging;

import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.pasarela.store.StoreTransaction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;

/** Which sends count as an agent answering a conversation, and where that is noted. */
class AgentRepliesTest {

    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    static final String CONVERSATION = ConversationSink.conversationPath("t1", "sms", "+34612345678");

    StoreTransaction tx = mock(StoreTransaction.class);
    AgentReplies agentReplies;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        ObjectProvider<Channels> none = mock(ObjectProvider.class);
        agentReplies = new AgentReplies(none, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static OutboundRequest send(String to, Map<String, Object> annotations) {
        ChannelRequest text = () -> "text";
        return OutboundRequest.of("t1", "sms", to, text, null).annotated(annotations);
    }

    @Test
    void anAgentsMessageMovesTheConversationsLastAgentReplyAtWithoutReadingIt() {
        agentReplies.stamp(tx, send("+34612345678", Map.of()));
        verify(tx).merge(CONVERSATION, Map.of("lastAgentReplyAt", NOW.toString()));
        verify(tx, never()).get(anyString()); // the outbox's transaction started the conversation
    }

    @Test
    void automaticRepliesAndNotificationsAreNotAnAgent() {
        agentReplies.stamp(tx, send("+34612345678", Map.of(AgentReplies.ORIGIN, AgentReplies.ORIGIN_AUTO_REPLY)));
        agentReplies.stamp(tx, send("+34612345678", Map.of("notificationId", "ntf_1")));
        verify(tx, never()).merge(anyString(), anyMap());
    }
}
