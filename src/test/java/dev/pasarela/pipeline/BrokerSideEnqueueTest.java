package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.jms.BytesMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisMode;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * A webhook's event routed on the embedded broker's side reaches the queue's consumer as the same
 * message Camel's JMS producer makes of it, is journaled before the call returns, and whatever the
 * broker's side would have to make differently is left to the JMS producer.
 */
class BrokerSideEnqueueTest {

    @TempDir
    Path dir;

    private EmbeddedActiveMQ broker;
    private CachingConnectionFactory connections;
    private DefaultCamelContext camel;
    private BrokerSideEnqueue enqueue;

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedActiveMQ().setConfiguration(new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setDiskScanPeriod(50)
                .addAcceptorConfiguration("in-vm", "vm://7312"));
        broker.start();
        connections = new CachingConnectionFactory(new ActiveMQConnectionFactory("vm://7312"));
        camel = new DefaultCamelContext();
        camel.addComponent("jms", JmsComponent.jmsComponent(connections));
        camel.start();
        enqueue = new BrokerSideEnqueue(provider(broker), new ArtemisProperties(), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
        connections.destroy();
        broker.stop();
    }

    @Test
    void theConsumerReceivesWhatCamelsJmsProducerWouldHaveSent() {
        Exchange byJms = event("evt_1");
        camel.createProducerTemplate().send("jms:queue:in.same", ExchangePattern.InOnly, e -> e.setIn(byJms.getIn().copy()));
        Exchange byBroker = event("evt_1");

        assertThat(enqueue.send(byBroker, "in.same")).as("sent on the broker's side").isTrue();

        Exchange first = receive("in.same");
        Exchange second = receive("in.same");
        assertThat(second.getIn().getBody(byte[].class)).isEqualTo(first.getIn().getBody(byte[].class))
                .isEqualTo("{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(second.getIn(JmsMessage.class).getJmsMessage()).isInstanceOf(BytesMessage.class);
        assertThat(first.getIn(JmsMessage.class).getJmsMessage()).isInstanceOf(BytesMessage.class);
        assertThat(withoutPerMessageValues(second.getIn().getHeaders()))
                .isEqualTo(withoutPerMessageValues(first.getIn().getHeaders()))
                .containsEntry(Variables.H_EVENT_KEY, "evt_1")
                .containsEntry(Variables.H_TENANT_ID, "norte")
                .containsEntry("JMSDeliveryMode", 2)
                .containsEntry("JMSPriority", 4)
                .doesNotContainKey(Variables.H_EVENT_TYPE); // a null header is left out, as Camel does
        assertThat(second.getIn().getHeader("JMSMessageID", String.class)).startsWith("ID:")
                .isNotEqualTo(first.getIn().getHeader("JMSMessageID", String.class));
        assertThat(second.getIn().getHeader("JMSTimestamp", Long.class)).isPositive();
    }

    @Test
    void aSentMessageIsInTheJournalWhenTheBrokerStartsAgain() throws Exception {
        queue("in.kept");

        assertThat(enqueue.send(event("evt_kept"), "in.kept")).isTrue();
        restartBroker();

        assertThat(receive("in.kept").getIn().getHeader(Variables.H_EVENT_KEY)).isEqualTo("evt_kept");
    }

    @Test
    void aQueueNotYetMadeIsLeftToTheJmsSendWhichMakesIt() {
        Exchange exchange = event("evt_new");

        assertThat(enqueue.send(exchange, "in.not-yet")).isFalse();
        assertThat(broker.getActiveMQServer().locateQueue("in.not-yet")).as("nothing was made or stored").isNull();
    }

    @Test
    void whatTheJmsClientWouldSendDifferentlyIsLeftToIt() throws Exception {
        queue("in.other");

        Exchange large = event("evt_large");
        large.getIn().setBody(new byte[BrokerSideEnqueue.LARGEST_BODY + 1]);
        Exchange text = event("evt_text");
        text.getIn().setBody("a string body becomes a TextMessage");
        Exchange number = event("evt_number");
        number.getIn().setHeader("PasarelaAttempt", 3);
        Exchange dotted = event("evt_dotted");
        dotted.getIn().setHeader("Pasarela.Dotted", "Camel encodes the name");

        assertThat(enqueue.send(large, "in.other")).as("a large message").isFalse();
        assertThat(enqueue.send(text, "in.other")).as("a text body").isFalse();
        assertThat(enqueue.send(number, "in.other")).as("a number header").isFalse();
        assertThat(enqueue.send(dotted, "in.other")).as("a name Camel encodes").isFalse();
        assertThat(broker.getActiveMQServer().locateQueue("in.other").getMessageCount()).isZero();
    }

    @Test
    void withoutAnEmbeddedBrokerTheJmsProducerSends() {
        BrokerSideEnqueue external = new BrokerSideEnqueue(provider(null), new ArtemisProperties(), Clock.systemUTC());

        assertThat(external.send(event("evt_ext"), "in.same")).isFalse();
    }

    /** Native mode with the embedded broker left enabled: Spring Boot starts it, and nobody consumes from it. */
    @Test
    void anEmbeddedBrokerBesideTheExternalOneTheConsumersUseIsNotSentTo() throws Exception {
        queue("in.beside");
        ArtemisProperties nativeMode = new ArtemisProperties();
        nativeMode.setMode(ArtemisMode.NATIVE);
        BrokerSideEnqueue beside = new BrokerSideEnqueue(provider(broker), nativeMode, Clock.systemUTC());

        assertThat(beside.send(event("evt_beside"), "in.beside")).isFalse();
        assertThat(broker.getActiveMQServer().locateQueue("in.beside").getMessageCount()).isZero();
    }

    @Test
    void theConnectionIsOnTheEmbeddedBrokerAsSpringBootDecidesIt() {
        ArtemisProperties deduced = new ArtemisProperties();
        ArtemisProperties embedded = new ArtemisProperties();
        embedded.setMode(ArtemisMode.EMBEDDED);
        ArtemisProperties disabled = new ArtemisProperties();
        disabled.getEmbedded().setEnabled(false);

        assertThat(BrokerSideEnqueue.jmsUsesEmbeddedBroker(deduced)).isTrue();
        assertThat(BrokerSideEnqueue.jmsUsesEmbeddedBroker(embedded)).isTrue();
        assertThat(BrokerSideEnqueue.jmsUsesEmbeddedBroker(disabled)).isFalse();
    }

    @Test
    void aFullDiskFailsTheSendSoNothingIsAcknowledged() throws Exception {
        queue("in.full");
        broker.getActiveMQServer().getConfiguration().setMaxDiskUsage(0); // any use counts as full
        restartBroker();
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.getActiveMQServer().getPagingManager().isDiskFull());

        assertThatThrownBy(() -> enqueue.send(event("evt_full"), "in.full"))
                .isInstanceOf(BrokerSideEnqueue.BrokerUnavailableException.class)
                .hasMessageContaining("disk is full");
        assertThat(broker.getActiveMQServer().locateQueue("in.full").getMessageCount()).isZero();
    }

    /** Made by hand, so the broker does not delete it while it is empty. */
    private void queue(String name) throws Exception {
        broker.getActiveMQServer().createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of(name)
                .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST));
    }

    private void restartBroker() throws Exception {
        camel.close();
        connections.destroy();
        broker.stop();
        broker.start();
        connections = new CachingConnectionFactory(new ActiveMQConnectionFactory("vm://7312"));
        camel = new DefaultCamelContext();
        camel.addComponent("jms", JmsComponent.jmsComponent(connections));
        camel.start();
    }

    /** As the ingest route's prepareEnqueue leaves an event: five string headers, a null among them. */
    private Exchange event(String key) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setHeader(Variables.H_PROVIDER, "stripe");
        exchange.getIn().setHeader(Variables.H_TENANT_ID, "norte");
        exchange.getIn().setHeader(Variables.H_EVENT_KEY, key);
        exchange.getIn().setHeader(Variables.H_EVENT_TYPE, null);
        exchange.getIn().setHeader(Variables.H_RECEIVED_AT, "2026-12-04T10:00:00Z");
        exchange.getIn().setBody(("{\"id\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
        return exchange;
    }

    private Exchange receive(String queue) {
        Exchange received = camel.createConsumerTemplate().receive("jms:queue:" + queue, 10_000);
        assertThat(received).as("a message on %s", queue).isNotNull();
        return received;
    }

    private static Map<String, Object> withoutPerMessageValues(Map<String, Object> headers) {
        Map<String, Object> kept = new HashMap<>(headers);
        kept.remove("JMSMessageID");
        kept.remove("JMSTimestamp");
        kept.remove("CamelMessageTimestamp"); // JMSTimestamp again
        return kept;
    }

    private static ObjectProvider<EmbeddedActiveMQ> provider(EmbeddedActiveMQ broker) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        if (broker != null) {
            beans.addBean("embeddedBroker", broker);
        }
        return beans.getBeanProvider(EmbeddedActiveMQ.class);
    }
}
