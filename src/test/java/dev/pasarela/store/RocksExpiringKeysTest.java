package dev.pasarela.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.store.embedded.RocksDocumentStore;
import dev.pasarela.support.BootObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksExpiringKeysTest extends ExpiringKeysContract {

    @TempDir
    static Path dir;
    static RocksDocumentStore store;

    @BeforeAll
    static void open() {
        store = RocksDocumentStore.open(dir.resolve("store"), BootObjectMapper.create());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    protected ExpiringKeys keys() {
        return store.expiringKeys("set-" + UUID.randomUUID()).orElseThrow();
    }

    @Test
    void aKeyWithANulIsRefusedAlone() {
        ExpiringKeys keys = keys();
        String fresh = key();
        List<ExpiringKeys.Outcome> outcomes = keys.addAll(List.of("stripe:evt\0x", fresh), T0);
        assertThat(outcomes.get(0).refused()).isInstanceOf(IllegalArgumentException.class);
        assertThat(outcomes.get(1)).isEqualTo(ExpiringKeys.Outcome.ADDED);
    }

    @Test
    void setsOfOtherNamesAndDocumentsDoNotMix() {
        ExpiringKeys one = keys();
        ExpiringKeys other = keys();
        String a = key();
        one.add(a, T0);
        assertThat(other.contains(a)).isFalse();
        assertThat(other.isEmpty()).isTrue();
        store.set("keys/doc", Map.of("n", 1L));
        assertThat(store.query("keys", Query.all())).hasSize(1); // a collection's range holds no key
        assertThat(one.forgetAddedBefore(T0.plusSeconds(1))).isEqualTo(1);
        assertThat(store.get("keys/doc")).isPresent();
    }

    @Test
    void aKeyRemovedAndAddedAgainIsKeptForItsNewInstant() {
        ExpiringKeys keys = keys();
        String a = key();
        keys.add(a, T0);
        keys.remove(a);
        keys.add(a, T0.plus(Duration.ofDays(10)));
        assertThat(keys.forgetAddedBefore(T0.plus(Duration.ofDays(5)))).isZero();
        assertThat(keys.contains(a)).isTrue();
    }

    /** More keys than one purge batch holds, and the set is the same after a reopen. */
    @Test
    void manyKeysArePurgedInBatchesAndKeysSurviveAReopen(@TempDir Path own) {
        List<String> old = new ArrayList<>();
        String recent = key();
        try (RocksDocumentStore first = RocksDocumentStore.open(own, BootObjectMapper.create())) {
            ExpiringKeys keys = first.expiringKeys("webhooks").orElseThrow();
            for (int i = 0; i < 2_500; i++) {
                old.add(key());
            }
            for (int i = 0; i < old.size(); i += 500) {
                keys.addAll(old.subList(i, i + 500), T0.plusMillis(i));
            }
            keys.add(recent, T0.plus(Duration.ofDays(1)));
        }
        try (RocksDocumentStore again = RocksDocumentStore.open(own, BootObjectMapper.create())) {
            ExpiringKeys keys = again.expiringKeys("webhooks").orElseThrow();
            assertThat(old).allMatch(keys::contains);
            assertThat(keys.forgetAddedBefore(T0.plus(Duration.ofHours(1)))).isEqualTo(2_500);
            assertThat(old).noneMatch(keys::contains);
            assertThat(keys.contains(recent)).isTrue();
        }
    }
}
