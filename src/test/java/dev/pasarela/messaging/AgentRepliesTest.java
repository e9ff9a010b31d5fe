package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import dev.pasarela.store.Document;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which sends count as an agent answering a conversation, and where that is noted. */
class AgentRepliesTest {

    static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");

    final AgentReplies agentReplies = new AgentReplies(Clock.fixed(NOW, ZoneOffset.UTC));

    static OutboundRequest send(String to, Map<String, Object> annotations) {
        ChannelRequest text = () -> "text";
        return OutboundRequest.of("t1", "sms", to, text, null).annotated(annotations);
    }

    static Document conversation(Map<String, Object> fields) {
        return new Document("tenants/t1/conversations/sms-1", fields);
    }

    @Test
    void anAgentsMessageMovesTheConversationsLastAgentReplyAt() {
        assertThat(agentReplies.stamp(send("+34612345678", Map.of()), "msg_1", Optional.empty())).isEqualTo(Map.of(
                "lastAgentReplyAt", NOW.toString(),
                "agentReplies", List.of(Map.of("at", NOW.toString(), "messageId", "msg_1"))));
    }

    @Test
    void automaticRepliesAndNotificationsAreNotAnAgent() {
        assertThat(agentReplies.stamp(send("+34612345678", Map.of(AgentReplies.ORIGIN, AgentReplies.ORIGIN_AUTO_REPLY)),
                "msg_1", Optional.empty())).isEmpty();
        assertThat(agentReplies.stamp(send("+34612345678", Map.of("notificationId", "ntf_1")), "msg_1",
                Optional.empty())).isEmpty();
    }

    @Test
    void theLastTenAgentsMessagesAreKeptAndAStampOfAVersionWithoutThemIsOneOfThem() {
        String before = NOW.minusSeconds(60).toString();
        Map<String, Object> stamp = agentReplies.stamp(send("+34612345678", Map.of()), "msg_new",
                Optional.of(conversation(Map.of("lastAgentReplyAt", before))));
        assertThat(stamp.get("agentReplies")).isEqualTo(List.of(entry(before, null), Map.of("at", NOW.toString(),
                "messageId", "msg_new")));

        for (int i = 0; i < 12; i++) {
            stamp = agentReplies.stamp(send("+34612345678", Map.of()), "msg_" + i, Optional.of(conversation(stamp)));
        }
        assertThat((List<?>) stamp.get("agentReplies")).hasSize(AgentReplies.KEPT)
                .last().isEqualTo(Map.of("at", NOW.toString(), "messageId", "msg_11"));
    }

    @Test
    void aLaterStampOfAVersionWithoutEntriesIsOneMoreAndTheNewestEntrysOwnInstantIsNotHoweverSpelled() {
        String t0 = NOW.minusSeconds(60).toString();
        String t1 = NOW.minusSeconds(30).toString();
        // an older version answered after msg_a, during a rolling deploy, and moved lastAgentReplyAt only
        Map<String, Object> stamp = agentReplies.stamp(send("+34612345678", Map.of()), "msg_new", Optional.of(
                conversation(Map.of("lastAgentReplyAt", t1, "agentReplies", List.of(entry(t0, "msg_a"))))));
        assertThat(stamp.get("agentReplies")).isEqualTo(List.of(entry(t0, "msg_a"), entry(t1, null),
                entry(NOW.toString(), "msg_new")));

        // the newest entry's instant, written with its milliseconds: the same instant, not one more
        stamp = agentReplies.stamp(send("+34612345678", Map.of()), "msg_new", Optional.of(conversation(Map.of(
                "lastAgentReplyAt", "2026-03-02T11:59:30.000Z", "agentReplies", List.of(entry(t0, "msg_a"),
                        entry(t1, "msg_b"))))));
        assertThat(stamp.get("agentReplies")).isEqualTo(List.of(entry(t0, "msg_a"), entry(t1, "msg_b"),
                entry(NOW.toString(), "msg_new")));
    }

    @Test
    void undoingAMessagePutsBackTheLatestStampLeftWhicheverOrderMessagesThatFailedTogetherAreUndoneIn() {
        String t0 = NOW.minusSeconds(60).toString();
        String t1 = NOW.minusSeconds(2).toString();
        String t2 = NOW.minusSeconds(1).toString();
        Document stamped = conversation(Map.of("lastAgentReplyAt", t2, "agentReplies", List.of(
                entry(t0, "msg_sent"), entry(t1, "msg_a"), entry(t2, "msg_b"))));

        Map<String, Object> withoutA = agentReplies.unstamp(stamped, "msg_a").orElseThrow();
        assertThat(withoutA.get("lastAgentReplyAt")).isEqualTo(t2); // b is still the latest
        Map<String, Object> withoutBoth = agentReplies.unstamp(conversation(withoutA), "msg_b").orElseThrow();
        assertThat(withoutBoth.get("lastAgentReplyAt")).isEqualTo(t0);
        assertThat(withoutBoth.get("agentReplies")).isEqualTo(List.of(entry(t0, "msg_sent")));

        Map<String, Object> withoutB = agentReplies.unstamp(stamped, "msg_b").orElseThrow();
        assertThat(withoutB.get("lastAgentReplyAt")).isEqualTo(t1);
        assertThat(agentReplies.unstamp(conversation(withoutB), "msg_a").orElseThrow().get("lastAgentReplyAt"))
                .isEqualTo(t0);
    }

    @Test
    void undoingTheOnlyAgentsMessageClearsTheStampAndAMessageThatStampedNothingChangesNothing() {
        Document stamped = conversation(Map.of("lastAgentReplyAt", NOW.toString(),
                "agentReplies", List.of(entry(NOW.toString(), "msg_a"))));
        Map<String, Object> undone = agentReplies.unstamp(stamped, "msg_a").orElseThrow();
        assertThat(undone).containsEntry("lastAgentReplyAt", null).containsEntry("agentReplies", List.of());

        assertThat(agentReplies.unstamp(stamped, "msg_auto_reply")).isEmpty();
    }

    static Map<String, Object> entry(String at, String messageId) {
        Map<String, Object> entry = new java.util.LinkedHashMap<>();
        entry.put("at", at);
        entry.put("messageId", messageId);
        return entry;
    }
}
