package dev.pasarela.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pasarela.support.ArtemisPair;
import dev.pasarela.support.PostgresDatabases;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueRequestor;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TransactionRolledBackException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.api.core.client.FailoverEventType;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.impl.DefaultCamelContext;
import dev.pasarela.ops.DeadLetterService;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import dev.pasarela.pipeline.templates.DeadLetterQueues;
import dev.pasarela.ops.ReplayProperties;
import dev.pasarela.pipeline.EmbeddedJmsBroker;
import dev.pasarela.pipeline.Queues;
import dev.pasarela.pipeline.Variables;
import jakarta.jms.TextMessage;

/**
 * The external broker pair (config/artemis, bench/lib/artemis-pair.sh) fails over without losing
 * an acknowledged message: a producer and a transacted consumer run through a kill -9 of the
 * primary on the connection factory Spring Boot builds from the gateway's SPRING_ARTEMIS_* settings.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArtemisFailoverE2ETest {

    private static final String QUEUE = "e2e.failover";
    /** acknowledged sends before the kill, and again after the failover */
    private static final int BATCH = 200;

    static Path dir;
    static String database;
    static ArtemisPair pair;

    @BeforeAll
    static void startPair() throws Exception {
        dir = Files.createTempDirectory("artemis-failover-e2e");
        database = PostgresDatabases.create(System.getProperty("pasarela.test.db-prefix", "pasarela") + "_broker");
        pair = ArtemisPair.start(dir, PostgresDatabases.url(database));
    }

    @AfterAll
    static void stopPair() throws Exception {
        if (pair != null) {
            pair.close();
        }
        if (database != null) {
            PostgresDatabases.drop(database);
        }
    }

    @Test
    @Order(1)
    void aKilledPrimaryLosesNoAcknowledgedMessageAndTheSettingsHoldOnTheBackup() throws Exception {
        ActiveMQConnectionFactory factory = gatewayConnectionFactory();
        assertThat(factory.isHA()).as("ha=true from the URL").isTrue();
        assertThat(factory.getStaticConnectors()).hasSize(2);
        assertThat(factory.isBlockOnDurableSend()).as("a durable send returns once journaled").isTrue();
        assertAddressSettingsAsEmbedded(factory);

        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        Set<Integer> threw = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
        Set<Integer> commitOutcomeUnknown = ConcurrentHashMap.newKeySet();
        AtomicLong killedAt = new AtomicLong();
        AtomicLong firstAckAfterKill = new AtomicLong();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicBoolean consuming = new AtomicBoolean(true);
        List<FailoverEventType> producerEvents = new ArrayList<>();
        List<FailoverEventType> consumerEvents = new ArrayList<>();

        try (Connection producerConnection = factory.createConnection();
             Connection consumerConnection = factory.createConnection()) {
            ((ActiveMQConnection) producerConnection).setFailoverListener(e -> { synchronized (producerEvents) { producerEvents.add(e); } });
            ((ActiveMQConnection) consumerConnection).setFailoverListener(e -> { synchronized (consumerEvents) { consumerEvents.add(e); } });
            consumerConnection.start();

            Thread producer = new Thread(() -> {
                try {
                    Session session = producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer p = session.createProducer(session.createQueue(QUEUE));
                    p.setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (int seq = 0; producing.get(); seq++) {
                        Message m = session.createTextMessage("event " + seq);
                        m.setIntProperty("seq", seq);
                        try {
                            p.send(m);
                            acked.add(seq);
                            if (killedAt.get() != 0) {
                                firstAckAfterKill.compareAndSet(0, System.nanoTime());
                            }
                        } catch (JMSException interrupted) {
                            // the gateway answers non-2xx here and the provider sends again
                            threw.add(seq);
                        }
                    }
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            }, "producer");
            Thread consumer = new Thread(() -> {
                try {
                    Session session = consumerConnection.createSession(true, Session.SESSION_TRANSACTED);
                    MessageConsumer c = session.createConsumer(session.createQueue(QUEUE));
                    List<Integer> batch = new ArrayList<>();
                    while (consuming.get()) {
                        try {
                            Message m = c.receive(200);
                            if (m != null) {
                                batch.add(m.getIntProperty("seq"));
                            }
                            if (batch.size() >= 10 || (m == null && !batch.isEmpty())) {
                                session.commit();
                                received.addAll(batch);
                                batch.clear();
                            }
                        } catch (TransactionRolledBackException rolledBack) {
                            batch.clear(); // redelivered
                        } catch (JMSException unknown) {
                            // failover during commit: committed or not, the client cannot tell
                            commitOutcomeUnknown.addAll(batch);
                            batch.clear();
                        }
                    }
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            }, "consumer");
            producer.start();
            consumer.start();

            await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= BATCH);
            pair.killPrimary();
            killedAt.set(System.nanoTime());
            pair.awaitBackupLive(Duration.ofSeconds(30));
            long backupLive = System.nanoTime();
            int ackedAtKill = acked.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= ackedAtKill + BATCH);
            producing.set(false);
            producer.join(30_000);

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Set<Integer> settled = ConcurrentHashMap.newKeySet();
                settled.addAll(received);
                settled.addAll(commitOutcomeUnknown);
                assertThat(settled).containsAll(acked);
            });
            consuming.set(false);
            consumer.join(30_000);

            System.out.printf("artemis failover: backup accepting %d ms after the kill, first acknowledged send %d ms after it;"
                            + " acknowledged %d, threw %d, received %d (distinct %d), commit outcome unknown %d%n",
                    (backupLive - killedAt.get()) / 1_000_000, (firstAckAfterKill.get() - killedAt.get()) / 1_000_000,
                    acked.size(), threw.size(), received.size(), Set.copyOf(received).size(), commitOutcomeUnknown.size());

            // the same connections went on: failover happened inside the client, not by recreating it
            assertThat(producerEvents).contains(FailoverEventType.FAILOVER_COMPLETED);
            assertThat(consumerEvents).contains(FailoverEventType.FAILOVER_COMPLETED);
            assertThat(firstAckAfterKill.get()).as("sends acknowledged by the backup").isPositive();
            // nothing arrives that was never sent; only sends that threw may be missing
            Set<Integer> sent = ConcurrentHashMap.newKeySet();
            sent.addAll(acked);
            sent.addAll(threw);
            assertThat(sent).containsAll(received);
        }
        assertAddressSettingsAsEmbedded(factory);
    }

    /**
     * /ops/dlq on an external broker (here the backup, live since the failover): the service
     * lists and replays through plain JMS, with no embedded broker in the context.
     */
    @Test
    @Order(2)
    void deadLettersAreListedAndReplayedThroughTheExternalBroker() throws Exception {
        ActiveMQConnectionFactory factory = gatewayConnectionFactory();
        JmsTemplate jms = new JmsTemplate(factory);
        jms.setReceiveTimeout(10_000);
        DeadLetterService dlq = new DeadLetterService(jms, factory,
                new DeadLetterQueues(new DefaultCamelContext(), new StaticListableBeanFactory().getBeanProvider(WebhookInterpreter.class)),
                new EmbeddedJmsBroker(new StaticListableBeanFactory().getBeanProvider(EmbeddedActiveMQ.class),
                        new StaticListableBeanFactory().getBeanProvider(jakarta.jms.ConnectionFactory.class)),
                new ReplayProperties(100, 2, 20));
        String queue = "dlq.e2e.in.deliver";
        jms.send(queue, session -> {
            TextMessage m = session.createTextMessage("{\"id\":\"evt_1\"}");
            m.setStringProperty(Variables.H_REPLAY_TO, "in.e2e-replayed");
            m.setStringProperty(Variables.H_FAILED_ROUTE, "e2e.in.deliver");
            return m;
        });
        jms.send(Queues.PARKED_UNKNOWN_TENANT, session -> session.createTextMessage("{}"));

        assertThat(dlq.queues()).contains(new DeadLetterService.QueueSummary(Queues.PARKED_UNKNOWN_TENANT, "parked", 1));
        List<DeadLetterService.DeadLetter> listed = dlq.messages(queue, 10);
        assertThat(listed).singleElement().satisfies(d -> assertThat(d.route()).isEqualTo("e2e.in.deliver"));

        DeadLetterService.ReplayResult result = dlq.replay(queue, List.of(listed.get(0).id()));

        assertThat(result.replayed()).isEqualTo(1);
        Message replayed = jms.receive("in.e2e-replayed");
        assertThat(replayed).isInstanceOf(TextMessage.class);
        assertThat(((TextMessage) replayed).getText()).isEqualTo("{\"id\":\"evt_1\"}");
        assertThat(replayed.getIntProperty(Variables.H_REPLAY_COUNT)).isEqualTo(1);
        assertThat(dlq.messages(queue, 10)).isEmpty();
    }

    /**
     * The connection factory a gateway gets: Spring Boot's Artemis auto-configuration in native
     * mode from the SPRING_ARTEMIS_* settings, unwrapped from Boot's CachingConnectionFactory as
     * QueueConfiguration's outboxjms component does.
     */
    private static ActiveMQConnectionFactory gatewayConnectionFactory() {
        ActiveMQConnectionFactory[] target = new ActiveMQConnectionFactory[1];
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ArtemisAutoConfiguration.class, JmsAutoConfiguration.class))
                .withPropertyValues("spring.artemis.mode=native", "spring.artemis.embedded.enabled=false",
                        "spring.artemis.broker-url=" + pair.brokerUrl(), "spring.artemis.user=" + pair.user(),
                        "spring.artemis.password=" + pair.password(), "spring.jms.cache.enabled=true")
                .run(context -> {
                    ConnectionFactory cf = context.getBean(ConnectionFactory.class);
                    assertThat(cf).isInstanceOf(CachingConnectionFactory.class);
                    // not a bean of its own, so it outlives the context
                    target[0] = (ActiveMQConnectionFactory) ((CachingConnectionFactory) cf).getTargetConnectionFactory();
                });
        return target[0];
    }

    /** The live broker's settings for a pipeline queue are the embedded broker's (QueueConfiguration). */
    private static void assertAddressSettingsAsEmbedded(ActiveMQConnectionFactory factory) throws Exception {
        try (var connection = factory.createQueueConnection()) {
            connection.start();
            QueueSession session = connection.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue management = session.createQueue("activemq.management");
            QueueRequestor requestor = new QueueRequestor(session, management);
            Message request = session.createMessage();
            JMSManagementHelper.putOperationInvocation(request, ResourceNames.BROKER, "getAddressSettingsAsJSON", "in.stripe");
            Message reply = requestor.request(request);
            assertThat(JMSManagementHelper.hasOperationSucceeded(reply)).isTrue();
            AddressSettings settings = AddressSettings.fromJSON((String) JMSManagementHelper.getResult(reply, String.class));
            assertThat(settings.getDeadLetterAddress().toString()).isEqualTo("DLQ");
            assertThat(settings.getExpiryAddress().toString()).isEqualTo("ExpiryQueue");
            assertThat(settings.getRedeliveryDelay()).isEqualTo(1000);
            assertThat(settings.getRedeliveryMultiplier()).isEqualTo(2.0);
            assertThat(settings.getMaxRedeliveryDelay()).isEqualTo(60_000);
            assertThat(settings.getMaxDeliveryAttempts()).isEqualTo(-1);

            Message names = session.createMessage();
            JMSManagementHelper.putAttribute(names, ResourceNames.BROKER, "queueNames");
            Object[] queues = (Object[]) JMSManagementHelper.getResult(requestor.request(names));
            assertThat(queues).contains("DLQ", "ExpiryQueue");
            requestor.close();
        }
    }
}
