package dev.pasarela.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every set of expiring keys does: the embedded store's and a table's. */
abstract class ExpiringKeysContract {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    /** A new, empty set. */
    protected abstract ExpiringKeys keys();

    static String key() {
        return "stripe:evt_" + UUID.randomUUID();
    }

    @Test
    void aKeyIsKnownOnceAddedAndASecondAddIsRefused() {
        ExpiringKeys keys = keys();
        String a = key();
        assertThat(keys.isEmpty()).isTrue();
        assertThat(keys.contains(a)).isFalse();
        assertThat(keys.add(a, T0)).isTrue();
        assertThat(keys.contains(a)).isTrue();
        assertThat(keys.add(a, T0.plusSeconds(5))).isFalse();
        assertThat(keys.isEmpty()).isFalse();
    }

    @Test
    void newKeysAreAddedTogether() {
        ExpiringKeys keys = keys();
        List<String> batch = List.of(key(), key(), key());
        assertThat(keys.addAll(batch, T0)).containsExactly(ExpiringKeys.Outcome.ADDED, ExpiringKeys.Outcome.ADDED,
                ExpiringKeys.Outcome.ADDED);
        assertThat(batch).allMatch(keys::contains);
    }

    /** A key already there, or twice in one list, is found there; the others of the list are added. */
    @Test
    void aKeyAlreadyThereOrTwiceInOneListIsPresentAndTheOthersAreAdded() {
        ExpiringKeys keys = keys();
        String known = key();
        String twice = key();
        String fresh = key();
        keys.add(known, T0);
        assertThat(keys.addAll(List.of(twice, known, twice, fresh), T0)).containsExactly(ExpiringKeys.Outcome.ADDED,
                ExpiringKeys.Outcome.PRESENT, ExpiringKeys.Outcome.PRESENT, ExpiringKeys.Outcome.ADDED);
        assertThat(List.of(known, twice, fresh)).allMatch(keys::contains);
        assertThat(keys.forgetAddedBefore(T0.plusSeconds(1))).isEqualTo(3); // one entry per key
        assertThat(keys.isEmpty()).isTrue();
    }

    @Test
    void aRemovedKeyIsForgottenAndMayBeAddedAgain() {
        ExpiringKeys keys = keys();
        String a = key();
        keys.add(a, T0);
        assertThat(keys.remove(a)).isTrue();
        assertThat(keys.contains(a)).isFalse();
        assertThat(keys.remove(a)).isFalse();
        assertThat(keys.add(a, T0)).isTrue();
    }

    /** Strictly before the cutoff: a key added at the cutoff itself is kept. */
    @Test
    void keysAddedBeforeTheCutoffAreForgotten() {
        ExpiringKeys keys = keys();
        String old = key();
        String atCutoff = key();
        String recent = key();
        keys.add(old, T0);
        keys.add(atCutoff, T0.plus(Duration.ofDays(1)));
        keys.add(recent, T0.plus(Duration.ofDays(2)));
        assertThat(keys.forgetAddedBefore(T0.plus(Duration.ofDays(1)))).isEqualTo(1);
        assertThat(keys.contains(old)).isFalse();
        assertThat(keys.contains(atCutoff)).isTrue();
        assertThat(keys.contains(recent)).isTrue();
        assertThat(keys.forgetAddedBefore(T0.plus(Duration.ofDays(3)))).isEqualTo(2);
        assertThat(keys.isEmpty()).isTrue();
    }
}
