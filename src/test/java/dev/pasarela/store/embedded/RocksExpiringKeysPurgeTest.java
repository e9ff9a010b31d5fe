package dev.pasarela.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.support.BootObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A purge reads its batch without the lock: what changed in between is not undone. */
class RocksExpiringKeysPurgeTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void aKeyAddedAgainAfterThePurgeReadItsOldEntryKeepsItsNewerInstant(@TempDir Path dir) {
        try (RocksDocumentStore store = RocksDocumentStore.open(dir, BootObjectMapper.create())) {
            RocksExpiringKeys keys = (RocksExpiringKeys) store.expiringKeys("webhooks").orElseThrow();
            keys.add("stripe:evt_1", T0);
            List<byte[]> read = keys.timeEntries(null, T0.plus(Duration.ofDays(5)));
            assertThat(read).hasSize(1);
            keys.remove("stripe:evt_1"); // meanwhile: removed, and added again ten days later
            keys.add("stripe:evt_1", T0.plus(Duration.ofDays(10)));
            assertThat(keys.forget(read)).isZero();
            assertThat(keys.contains("stripe:evt_1")).isTrue();
            assertThat(keys.timeEntries(null, T0.plus(Duration.ofDays(11)))).hasSize(1);
        }
    }
}
