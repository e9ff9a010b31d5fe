package dev.pasarela.messaging;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.pasarela.store.Document;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.StoreTransaction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;

/** Which sends count as an agent answering a conversation, and where that is noted. */
class AgentRepliesTest {

    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    static final String CONVERSATION = ConversationSink.conversationPath("t1", "sms", "+34612345678");

    DocumentStore store = mock(DocumentStore.class);
    StoreTransaction tx = mock(StoreTransaction.class);
    AgentReplies agentReplies;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        when(store.runTransaction(any())).thenAnswer(i -> ((Function<StoreTransaction, Object>) i.getArgument(0)).apply(tx));
        when(tx.get(anyString())).thenReturn(Optional.empty());
        when(tx.get(CONVERSATION)).thenReturn(Optional.of(new Document(CONVERSATION, Map.of("lastInboundAt", NOW.toString()))));
        ObjectProvider<Channels> none = mock(ObjectProvider.class);
        agentReplies = new AgentReplies(store, none, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static OutboundRequest send(String to, Map<String, Object> annotations) {
        ChannelRequest text = () -> "text";
        return OutboundRequest.of("t1", "sms", to, text, null).annotated(annotations);
    }

    @Test
    void anAgentsMessageMovesTheConversationsLastAgentReplyAt() {
        agentReplies.accepted(send("+34612345678", Map.of()));
        verify(tx).merge(CONVERSATION, Map.of("lastAgentReplyAt", NOW.toString()));
    }

    @Test
    void automaticRepliesAndNotificationsAreNotAnAgent() {
        agentReplies.accepted(send("+34612345678", Map.of(AgentReplies.ORIGIN, AgentReplies.ORIGIN_AUTO_REPLY)));
        agentReplies.accepted(send("+34612345678", Map.of("notificationId", "ntf_1")));
        verify(tx, never()).merge(anyString(), anyMap());
    }

    @Test
    void aMessageToSomeoneWhoNeverWroteStartsNoConversation() {
        agentReplies.accepted(send("+34699999999", Map.of()));
        verify(tx, never()).merge(anyString(), anyMap());
    }
}
