package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.store.Document;
import dev.pasarela.store.jdbc.JdbcDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.EmbeddedDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The unit a message's acceptance spent comes back only when no provider can have taken it: no send
 * attempted, or every attempt answered as not taken. Counted in the month the acceptance noted.
 */
class MessageHistoryMeteringTest {

    @TempDir
    static Path dir;
    static DriverManagerDataSource dataSource;
    static JdbcDocumentStore store;
    static MessageHistory history;

    static final String TENANT = "t-meter";
    static final String MONTH = "2026-11"; // the month the acceptance counted, not the month the failure comes in
    String id;

    @BeforeAll
    static void open() throws Exception {
        dataSource = EmbeddedDatabases.open(dir);
        store = new JdbcDocumentStore(new JdbcTemplate(dataSource), new DataSourceTransactionManager(dataSource),
                BootObjectMapper.create(), Clock.systemUTC());
        history = new MessageHistory(store, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        new JdbcTemplate(dataSource).execute("SHUTDOWN");
    }

    @BeforeEach
    void accepted() {
        id = "msg_" + java.util.UUID.randomUUID().toString().replace("-", "");
        store.set(usagePath(), Map.of("month", MONTH, "channels", Map.of("sms", 1)));
        store.set(MessageHistory.messagePath(TENANT, id), Map.of("id", id, "status", "accepted",
                MessageHistory.METERED, Map.of("quota", "sms", "month", MONTH)));
    }

    static String usagePath() {
        return "tenants/" + TENANT + "/usage/" + MONTH;
    }

    long used() {
        return store.get(usagePath()).map(d -> ((Number) d.field("channels.sms")).longValue()).orElse(0L);
    }

    Document message() {
        return store.get(MessageHistory.messagePath(TENANT, id)).orElseThrow();
    }

    @Test
    void aMessageThatFailsBeforeAnySendAttemptIsGivenBackOnce() {
        history.recordFailed(TENANT, id, "credential-unreadable", "cannot be read");
        history.recordFailed(TENANT, id, "retries-exhausted", "again");
        assertThat(used()).isZero();
        assertThat(message().field("metered.givenBack")).isEqualTo(true);
    }

    @Test
    void anAttemptWithoutAnAnswerStaysMeteredWhenTheMessageFails() {
        history.recordSendAttempt(TENANT, id); // timed out: the provider may have taken it
        history.recordFailed(TENANT, id, "retries-exhausted", "timed out");
        assertThat(used()).isEqualTo(1);
        assertThat(message().field("metered.givenBack")).isNull();
    }

    @Test
    void aMessageTheSendStepDoesNotSendIsReadButNotCounted() {
        history.recordSendAttempt(TENANT, id);
        history.recordNotTaken(TENANT, id, "190", "token revoked"); // given back
        assertThat(history.recordSendAttempt(TENANT, id, null, d -> false)).hasValueSatisfying(
                d -> assertThat(d.field("status")).isEqualTo("failed"));
        assertThat(message().field("sendAttempts")).isEqualTo(1L);
        assertThat(used()).isZero(); // not counted again: nothing goes to the provider
        assertThat(history.recordSendAttempt(TENANT, "msg_never_recorded", null, d -> true)).isEmpty();
    }

    /** A retried Idempotency-Key may queue a message twice: the copy that attempts first is the one that sends. */
    @Test
    void theFirstQueuedCopyToAttemptOwnsTheMessageAndAnotherCopyIsNotCounted() {
        // its unit given back (a first call that could not queue it nor undo it): the attempt counts it again
        history.giveBackUnit(TENANT, id);
        assertThat(used()).isZero();
        assertThat(history.recordSendAttempt(TENANT, id, "cpy_first", d -> true)).isPresent();
        assertThat(used()).isEqualTo(1);
        assertThat(history.recordSendAttempt(TENANT, id, "cpy_second", d -> true)).hasValueSatisfying(
                d -> assertThat(MessageHistory.sentBy(d, "cpy_second")).isFalse());
        assertThat(message().field("sendAttempts")).isEqualTo(1L);
        assertThat(message().field("sendingCopy")).isEqualTo("cpy_first");
        // the owner's redelivery (a timeout, a put-back for a later slot) attempts again
        assertThat(history.recordSendAttempt(TENANT, id, "cpy_first", d -> true)).hasValueSatisfying(
                d -> assertThat(MessageHistory.sentBy(d, "cpy_first")).isTrue());
        assertThat(message().field("sendAttempts")).isEqualTo(2L);
        assertThat(used()).isEqualTo(1); // counted once, by the owner's first attempt
    }

    /**
     * An older replica (a rolling deploy) counts its attempt without noting a copy: the message is its
     * unnamed copies', and a named copy a newer replica queued meanwhile neither sends nor counts.
     */
    @Test
    void anAttemptCountedByAVersionThatDidNotNameCopiesKeepsNamedCopiesFromSending() {
        store.merge(MessageHistory.messagePath(TENANT, id), Map.of("sendAttempts", 1L)); // as that version writes it
        assertThat(history.recordSendAttempt(TENANT, id, "cpy_new", d -> true)).hasValueSatisfying(
                d -> assertThat(MessageHistory.sentBy(d, "cpy_new")).isFalse());
        assertThat(message().field("sendAttempts")).isEqualTo(1L);
        assertThat(message().field("sendingCopy")).isNull();
        assertThat(history.recordSendAttempt(TENANT, id, null, d -> true)).hasValueSatisfying(
                d -> assertThat(MessageHistory.sentBy(d, null)).isTrue()); // that version's redelivery
        assertThat(message().field("sendAttempts")).isEqualTo(2L);
    }

    /** A copy queued by a version that did not name copies owns the message as well: a named copy then sends nothing. */
    @Test
    void aCopyQueuedBeforeCopiesWereNamedOwnsTheMessageItAttemptedFirst() {
        assertThat(history.recordSendAttempt(TENANT, id, null, d -> true)).isPresent();
        assertThat(history.recordSendAttempt(TENANT, id, "cpy_new", d -> true)).hasValueSatisfying(
                d -> assertThat(MessageHistory.sentBy(d, "cpy_new")).isFalse());
        assertThat(history.recordSendAttempt(TENANT, id, null, d -> true)).hasValueSatisfying(
                d -> assertThat(MessageHistory.sentBy(d, null)).isTrue()); // its own redelivery
        assertThat(message().field("sendAttempts")).isEqualTo(2L);
    }

    @Test
    void aRefusalAnsweringTheOnlyAttemptIsGivenBack() {
        history.recordSendAttempt(TENANT, id);
        history.recordNotTaken(TENANT, id, "21211", "not a valid phone number");
        assertThat(used()).isZero();
    }

    @Test
    void aRefusalAfterAnUnansweredAttemptStaysMetered() {
        history.recordSendAttempt(TENANT, id); // timed out, retried
        history.recordSendAttempt(TENANT, id);
        history.recordNotTaken(TENANT, id, "131026", "undeliverable");
        assertThat(used()).isEqualTo(1);
    }

    @Test
    void aGivenBackMessageSentAgainAfterAnOperatorsFixIsCountedAgain() {
        history.recordSendAttempt(TENANT, id);
        history.recordNotTaken(TENANT, id, "190", "token revoked"); // dead-lettered for the operator
        assertThat(used()).isZero();
        history.recordSendAttempt(TENANT, id); // replayed: this attempt may reach the provider
        assertThat(used()).isEqualTo(1);
        history.recordFailed(TENANT, id, "retries-exhausted", "timed out");
        assertThat(used()).isEqualTo(1);
    }

    @Test
    void aLeftoverMessagesUnitIsTakenOverByTheRetryThatQueuesIt() {
        history.giveBackUnit(TENANT, id);
        history.giveBackUnit(TENANT, id);
        assertThat(used()).isZero();
        assertThat(history.takeUnit(TENANT, id, Map.of("quota", "sms", "month", "2026-12"))).isTrue();
        assertThat(message().field("metered.givenBack")).isNull();
        assertThat(message().field("metered.month")).isEqualTo("2026-12");
        assertThat(history.takeUnit(TENANT, id, Map.of("quota", "sms", "month", "2026-12"))).isFalse();
    }
}
