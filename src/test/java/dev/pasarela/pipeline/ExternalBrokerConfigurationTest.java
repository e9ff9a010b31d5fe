package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.ha.SharedStoreBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.SharedStorePrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.config.storage.DatabaseStorageConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The external broker pair (config/artemis, used by docker-compose and the scale-out tests) is
 * configured like the embedded broker: the same safety net on every address, persistent, and
 * a shared JDBC store whose lock decides which of the two is live.
 */
class ExternalBrokerConfigurationTest {

    @ParameterizedTest
    @ValueSource(strings = {"primary", "backup"})
    void brokerXmlHasTheEmbeddedBrokersAddressSettingsAndASharedJdbcStore(String role) throws Exception {
        Configuration file = load(role);

        Configuration embedded = new ConfigurationImpl();
        new QueueConfiguration().pasarelaBrokerSettings(new BrokerProperties(500_000, null, Duration.ofSeconds(10), Duration.ofNanos(500_000))).customize(embedded);
        AddressSettings expected = embedded.getAddressSettings().get("#");
        AddressSettings actual = file.getAddressSettings().get("#");
        assertThat((Object) actual.getDeadLetterAddress()).isEqualTo(expected.getDeadLetterAddress());
        assertThat((Object) actual.getExpiryAddress()).isEqualTo(expected.getExpiryAddress());
        assertThat(actual.getRedeliveryDelay()).isEqualTo(expected.getRedeliveryDelay());
        assertThat(actual.getRedeliveryMultiplier()).isEqualTo(expected.getRedeliveryMultiplier());
        assertThat(actual.getMaxRedeliveryDelay()).isEqualTo(expected.getMaxRedeliveryDelay());
        assertThat(actual.getMaxDeliveryAttempts()).isEqualTo(expected.getMaxDeliveryAttempts());
        assertThat(actual.isAutoDeleteQueues()).as("a queue outlives its consumers").isFalse()
                .isEqualTo(expected.isAutoDeleteQueues());

        assertThat(file.getAddressSettings().get("wait.#").getMaxReadPageBytes())
                .isEqualTo(embedded.getAddressSettings().get("wait.#").getMaxReadPageBytes());
        assertThat(file.getAddressSettings().get("wait.#").getPageSizeBytes())
                .isEqualTo(embedded.getAddressSettings().get("wait.#").getPageSizeBytes());

        assertThat(file.isPersistenceEnabled()).isTrue();
        DatabaseStorageConfiguration store = (DatabaseStorageConfiguration) file.getStoreConfiguration();
        assertThat(store.getJdbcDriverClassName()).isEqualTo("org.postgresql.Driver");
        assertThat(store.getNodeManagerStoreTableName()).isEqualTo("artemis_node_manager");
        // a killed primary's lock expires within seconds; the network timeout is no longer than the lock
        assertThat(store.getJdbcLockExpirationMillis()).isLessThanOrEqualTo(5_000);
        assertThat(store.getJdbcLockRenewPeriodMillis()).isLessThan(store.getJdbcLockExpirationMillis() / 2);
        assertThat((long) store.getJdbcNetworkTimeout()).isLessThanOrEqualTo(store.getJdbcLockExpirationMillis());

        if (role.equals("primary")) {
            assertThat(file.getHAPolicyConfiguration()).isInstanceOfSatisfying(SharedStorePrimaryPolicyConfiguration.class,
                    p -> assertThat(p.isFailoverOnServerShutdown()).isTrue());
        } else {
            assertThat(file.getHAPolicyConfiguration()).isInstanceOfSatisfying(SharedStoreBackupPolicyConfiguration.class,
                    b -> assertThat(b.isFailoverOnServerShutdown()).isTrue());
        }
        // the backup announces itself through the cluster connection; clients learn both
        assertThat(file.getClusterConfigurations()).singleElement()
                .satisfies(c -> assertThat(c.getStaticConnectors()).containsExactly("peer"));
        assertThat(file.getAddressConfigurations()).extracting(a -> a.getName()).contains("DLQ", "ExpiryQueue");
    }

    @ParameterizedTest
    @ValueSource(strings = {"primary", "backup"})
    void noCredentialIsWrittenInTheFile(String role) throws Exception {
        String xml = java.nio.file.Files.readString(Path.of("config/artemis", role, "broker.xml"));
        assertThat(xml).contains("<cluster-password>${ARTEMIS_PASSWORD}</cluster-password>",
                "<jdbc-password>${ARTEMIS_JDBC_PASSWORD:}</jdbc-password>");
    }

    @org.junit.jupiter.api.Test
    void aBrokerUrlThatWouldAcknowledgeBeforeTheJournalIsRefused() {
        String url = "(tcp://127.0.0.1:1,tcp://127.0.0.1:2)?ha=true&reconnectAttempts=-1";
        QueueConfiguration.requireJournaledSends(new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(url));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> QueueConfiguration.requireJournaledSends(
                        new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(url + "&blockOnDurableSend=false")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("blockOnDurableSend=false");
    }

    @org.junit.jupiter.api.Test
    void aFailoverTheClientMakesItselfKeepsTheSessionsAndGivingUpResetsThem() throws Exception {
        Observed cached = new Observed("(tcp://127.0.0.1:1,tcp://127.0.0.1:2)?ha=true&reconnectAttempts=-1");
        QueueConfiguration.keepSessionsAcrossFailover().postProcessAfterInitialization(cached, "jmsConnectionFactory");

        cached.listener().onException(new jakarta.jms.JMSException("failed over", "FAILOVER"));
        assertThat(cached.resets).as("a failover the client made keeps the sessions").isZero();
        cached.listener().onException(new jakarta.jms.JMSException("gave up", "DISCONNECT"));
        assertThat(cached.resets).as("the client gave up: the connection is made again").isEqualTo(1);

        Observed single = new Observed("tcp://127.0.0.1:1");
        QueueConfiguration.keepSessionsAcrossFailover().postProcessAfterInitialization(single, "jmsConnectionFactory");
        assertThat(single.listener()).as("one broker: Spring's own reset on any exception").isNull();
    }

    /** Spring's caching factory, its exception listener and resets visible to the test. */
    static final class Observed extends org.springframework.jms.connection.CachingConnectionFactory {
        int resets;

        Observed(String url) {
            super(new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(url));
        }

        jakarta.jms.ExceptionListener listener() {
            return getExceptionListener();
        }

        @Override
        public void resetConnection() {
            resets++;
            super.resetConnection();
        }
    }

    private static Configuration load(String role) throws Exception {
        FileConfiguration configuration = new FileConfiguration();
        FileDeploymentManager deployment = new FileDeploymentManager(
                Path.of("config/artemis", role, "broker.xml").toAbsolutePath().toUri().toString());
        deployment.addDeployable(configuration);
        deployment.readConfiguration();
        return configuration;
    }
}
