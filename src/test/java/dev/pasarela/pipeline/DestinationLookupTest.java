package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.Interceptor;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.protocol.core.impl.PacketImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;

/**
 * A send through Camel's JMS endpoint names its queue, and Spring resolves the name on the session
 * for every send. On Artemis that resolution is a blocking query to the broker unless the client
 * keeps the answer: one round trip through the broker's threads per event, before the send's own.
 * The gateway's connection factory, as {@link QueueConfiguration} prepares it, asks once per session.
 */
class DestinationLookupTest {

    private static final int SENDS = 50;

    private EmbeddedActiveMQ broker;
    /** The gateway's connection factory, on this broker. */
    private CachingConnectionFactory gateways;
    private final AtomicInteger queueQueries = new AtomicInteger();

    @BeforeEach
    void startBroker() throws Exception {
        broker = new EmbeddedActiveMQ().setConfiguration(new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                // the broker's reaper removes an auto-created queue left empty without consumers: soon, here
                .setAddressQueueScanPeriod(50)
                .addAcceptorConfiguration("in-vm", "vm://7311"));
        broker.start();
        Interceptor countQueueQueries = (packet, connection) -> {
            if (packet.getType() == PacketImpl.SESS_QUEUEQUERY) {
                queueQueries.incrementAndGet();
            }
            return true;
        };
        broker.getActiveMQServer().getRemotingService().addIncomingInterceptor(countQueueQueries);
        gateways = gatewayConnectionFactory();
    }

    @AfterEach
    void stopBroker() throws Exception {
        gateways.destroy();
        broker.stop();
    }

    @Test
    void theGatewaysSendsLookTheirQueueUpOncePerSessionNotOncePerSend() throws Exception {
        try (DefaultCamelContext camel = camelSendingThrough(gateways)) {
            ProducerTemplate producer = camel.createProducerTemplate();
            for (int i = 0; i < SENDS; i++) {
                producer.sendBody("jms:queue:in.lookup-test", ExchangePattern.InOnly, "event " + i);
            }

            // the name's lookup and the producer's check of its queue, on the first send; without the
            // client keeping the answer, one more for each of the 49 others (51)
            assertThat(queueQueries.get()).as("queue lookups for %d sends on one session", SENDS).isLessThanOrEqualTo(2);
            assertThat(receivedFrom("in.lookup-test")).as("every send arrived").isEqualTo(SENDS);
        }
    }

    @Test
    void aSendToAQueueNotYetKnownStillReachesIt() throws Exception {
        JmsTemplate jms = new JmsTemplate(gateways);
        jms.convertAndSend("in.first", "a");
        jms.convertAndSend("in.second", "b");
        jms.convertAndSend("in.first", "c");

        assertThat(receivedFrom("in.first")).isEqualTo(2);
        assertThat(receivedFrom("in.second")).isEqualTo(1);
    }

    /**
     * A broker on Artemis's defaults deletes an auto-created queue once it is empty and has no
     * consumer (the gateway's keep theirs; an operator may still delete one). The name a session
     * keeps is only a name: a send to it makes the broker create the queue again, as a send did when
     * the name was looked up.
     */
    @Test
    void aSendAfterTheBrokerDeletedTheEmptyQueueReachesTheQueueCreatedAgain() throws Exception {
        try (DefaultCamelContext camel = camelSendingThrough(gateways)) {
            ProducerTemplate producer = camel.createProducerTemplate();
            producer.sendBody("jms:queue:in.reaped", ExchangePattern.InOnly, "first");
            assertThat(receivedFrom("in.reaped")).isEqualTo(1);
            // the queue, then its address: both auto-created, both deleted
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.getActiveMQServer().locateQueue("in.reaped") == null
                    && broker.getActiveMQServer().getAddressInfo(SimpleString.of("in.reaped")) == null);
            int lookupsBefore = queueQueries.get();

            producer.sendBody("jms:queue:in.reaped", ExchangePattern.InOnly, "second");

            assertThat(queueQueries.get()).as("the send used the name the session keeps").isEqualTo(lookupsBefore);
            assertThat(receivedFrom("in.reaped")).as("the second event arrived").isEqualTo(1);
        }
    }

    /** Camel's JMS component on the gateway's connection factory, as the routes and the outbox send. */
    private static DefaultCamelContext camelSendingThrough(CachingConnectionFactory gateways) {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addComponent("jms", JmsComponent.jmsComponent(gateways));
        camel.start();
        return camel;
    }

    /** As Spring Boot builds it, then as the gateway's post-processor leaves it. */
    private static CachingConnectionFactory gatewayConnectionFactory() {
        CachingConnectionFactory caching = new CachingConnectionFactory(new ActiveMQConnectionFactory("vm://7311"));
        caching.setSessionCacheSize(10);
        return (CachingConnectionFactory) QueueConfiguration.keepSessionsAcrossFailover()
                .postProcessAfterInitialization(caching, "jmsConnectionFactory");
    }

    /** Through a connection of its own, closed after: its consumer does not keep the queue alive. */
    private static int receivedFrom(String queue) {
        JmsTemplate jms = new JmsTemplate(new ActiveMQConnectionFactory("vm://7311"));
        jms.setReceiveTimeout(JmsTemplate.RECEIVE_TIMEOUT_NO_WAIT);
        int received = 0;
        while (jms.receive(queue) != null) {
            received++;
        }
        return received;
    }
}
