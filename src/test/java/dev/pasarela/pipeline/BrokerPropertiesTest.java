package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The embedded broker's memory limit: its default, and how an operator sets it. */
class BrokerPropertiesTest {

    static final long MB = 1024 * 1024;

    @Test
    void unsetTheLimitIs128MegabytesOrAnEighthOfASmallerHeap() {
        BrokerProperties unset = new BrokerProperties(500_000, null, Duration.ofSeconds(10), Duration.ofNanos(500_000));
        assertThat(unset.globalMaxSizeBytes(4096 * MB)).isEqualTo(128 * MB);
        assertThat(unset.globalMaxSizeBytes(1024 * MB)).isEqualTo(128 * MB);
        assertThat(unset.globalMaxSizeBytes(192 * MB)).as("a 256 MB container's heap").isEqualTo(24 * MB);
    }

    @Test
    void theEnvironmentVariableSetsItWhateverTheHeap() {
        BrokerProperties bound = bind(Map.of("PASARELA_BROKER_GLOBALMAXSIZE", "64MB"));
        assertThat(bound.globalMaxSizeBytes(192 * MB)).isEqualTo(64 * MB);
        assertThat(bound.globalMaxSizeBytes(4096 * MB)).isEqualTo(64 * MB);
        assertThat(bind(Map.of()).globalMaxSize()).isNull();
        assertThat(bind(Map.of("PASARELA_BROKER_GLOBALMAXSIZE", "256")).globalMaxSizeBytes(4096 * MB))
                .as("a number alone is megabytes, not bytes").isEqualTo(256 * MB);
    }

    @Test
    void aLimitOfZeroWhichArtemisReadsAsNoneIsAProblem() {
        assertThat(bind(Map.of("PASARELA_BROKER_GLOBALMAXSIZE", "0")).problems()).singleElement().asString()
                .startsWith("PASARELA_BROKER_GLOBALMAXSIZE (pasarela.broker.global-max-size): must be positive");
        assertThat(bind(Map.of("PASARELA_BROKER_GLOBALMAXSIZE", "1KB")).problems()).isEmpty();
        assertThat(bind(Map.of()).problems()).isEmpty();
    }

    @Test
    void messagesAreScheduledInMemoryTenSecondsAheadAtMostUnlessSetAndNeverZero() {
        assertThat(bind(Map.of()).scheduleInMemoryWithin()).isEqualTo(Duration.ofSeconds(10));
        assertThat(bind(Map.of("PASARELA_BROKER_SCHEDULEINMEMORYWITHIN", "30s")).scheduleInMemoryWithin())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(bind(Map.of("PASARELA_BROKER_SCHEDULEINMEMORYWITHIN", "0s")).problems()).singleElement().asString()
                .startsWith("PASARELA_BROKER_SCHEDULEINMEMORYWITHIN (pasarela.broker.schedule-in-memory-within): must be positive");
    }

    @Test
    void sendsAreRoutedTogetherWithinHalfAMillisecondUnlessSetAndNeverNegativeNorLong() {
        assertThat(bind(Map.of()).enqueueWindow()).isEqualTo(Duration.ofNanos(500_000));
        assertThat(bind(Map.of("PASARELA_BROKER_ENQUEUEWINDOW", "0")).enqueueWindow()).isZero();
        assertThat(bind(Map.of("PASARELA_BROKER_ENQUEUEWINDOW", "200us")).problems()).isEmpty();
        assertThat(bind(Map.of("PASARELA_BROKER_ENQUEUEWINDOW", "-1ms")).problems()).singleElement().asString()
                .startsWith("PASARELA_BROKER_ENQUEUEWINDOW (pasarela.broker.enqueue-window): must be from 0 to 100ms");
        assertThat(bind(Map.of("PASARELA_BROKER_ENQUEUEWINDOW", "1s")).problems()).hasSize(1);
    }

    private static BrokerProperties bind(Map<String, Object> environment) {
        StandardEnvironment env = new StandardEnvironment();
        // in place of the process's own: Spring maps a source of this name as environment variables
        env.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        return new Binder(ConfigurationPropertySources.from(env.getPropertySources()))
                .bindOrCreate("pasarela.broker", BrokerProperties.class);
    }
}
