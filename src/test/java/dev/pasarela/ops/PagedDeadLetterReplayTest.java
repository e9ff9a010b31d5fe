package dev.pasarela.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.pasarela.pipeline.EmbeddedJmsBroker;
import dev.pasarela.pipeline.Variables;
import dev.pasarela.pipeline.templates.DeadLetterQueues;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;

/**
 * A dead-letter queue paged to disk: the listing and a job's match read it whole in the broker; a
 * consumer with a selector sees only what the broker has read back ahead of it. The broker here pages past 128 KB and reads 64 KB
 * ahead, as the gateway's pages past its memory limit and reads 20 MB ahead, so a few hundred
 * messages stand for a dead-letter queue of a large outage.
 */
class PagedDeadLetterReplayTest {

    static final String DLQ = "dlq.paged.in.deliver";
    static final String TARGET = "in.paged";
    static final int LETTERS = 300;

    @TempDir
    Path dir;

    EmbeddedActiveMQ broker;
    CachingConnectionFactory connections;
    DeadLetterService service;
    int received;

    @BeforeEach
    void start() throws Exception {
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setPersistenceEnabled(true).setSecurityEnabled(false).setJMXManagementEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .addAddressSetting("#", new AddressSettings().setMaxSizeBytes(128 * 1024)
                        .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                        .setPageSizeBytes(64 * 1024).setMaxReadPageBytes(64 * 1024).setMaxReadPageMessages(-1)
                        .setAutoDeleteQueues(false))
                .addAcceptorConfiguration("in-vm", "vm://7331");
        broker = new EmbeddedActiveMQ().setConfiguration(configuration);
        broker.start();
        for (String queue : List.of(DLQ, TARGET)) {
            broker.getActiveMQServer().createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST));
        }
        connections = new CachingConnectionFactory(new ActiveMQConnectionFactory("vm://7331"));
        DeadLetterQueues routes = mock(DeadLetterQueues.class);
        when(routes.names()).thenReturn(new TreeSet<>(List.of(DLQ)));
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("embeddedBroker", broker);
        beans.addBean("jmsConnectionFactory", connections);
        EmbeddedJmsBroker embedded = new EmbeddedJmsBroker(beans.getBeanProvider(EmbeddedActiveMQ.class),
                beans.getBeanProvider(ConnectionFactory.class));
        service = new DeadLetterService(new JmsTemplate(connections), connections, routes, embedded,
                new ReplayProperties(100, 2, 20));
    }

    @AfterEach
    void stop() throws Exception {
        connections.destroy();
        broker.stop();
    }

    @Test
    void theListingAndAReplayJobsMatchSeeEveryMessageOnThePages() throws Exception {
        List<String> ids = deadLetters();
        assertThat(broker.getActiveMQServer().getPagingManager().getPageStore(SimpleString.of(DLQ)).isPaging())
                .as("the dead-letter queue is paged").isTrue();

        assertThat(service.matching(new DeadLetterService.ReplayFilter(DLQ, null, null, null, null)))
                .containsExactlyElementsOf(ids);
        assertThat(service.messages(DLQ, 1000)).extracting(DeadLetterService.DeadLetter::id)
                .containsExactlyElementsOf(ids);
        assertThat(service.messages(DLQ, 10)).extracting(DeadLetterService.DeadLetter::id)
                .containsExactlyElementsOf(ids.subList(0, 10));
    }

    @Test
    void idsPastWhatTheBrokerReadAheadWaitForTheQueueAheadOfThemAndNothingIsLostOrSentTwice() throws Exception {
        List<String> ids = deadLetters();
        // the first is in memory; the last is on a page the broker has not read back
        DeadLetterService.ReplayResult byIds = service.replay(DLQ, List.of(ids.get(0), ids.get(LETTERS - 1)));
        assertThat(byIds.replayed()).isEqualTo(1);
        assertThat(byIds.notFound()).isEmpty();
        assertThat(byIds.notReached()).containsExactly(ids.get(LETTERS - 1));
        assertThat(service.messages(DLQ, 1000)).extracting(DeadLetterService.DeadLetter::id)
                .as("still there, and listed").contains(ids.get(LETTERS - 1)).doesNotContain(ids.get(0));

        // replaying the queue from its head reaches it: the broker reads pages back as the head leaves
        for (int call = 0; call < 30 && count(DLQ) > 0; call++) {
            service.replay(DLQ, List.of());
        }
        assertThat(count(DLQ)).isZero();
        Map<String, Message> arrived = receiveAll(TARGET);
        assertThat(arrived).hasSize(LETTERS);
        assertThat(received).as("each once: the map would hide a second copy").isEqualTo(LETTERS);
        for (int i : new int[] {0, LETTERS / 2, LETTERS - 1}) {
            Message copy = arrived.get("evt_" + i);
            assertThat(copy).as("evt_%d on %s", i, TARGET).isNotNull();
            assertThat(copy.getIntProperty(Variables.H_REPLAY_COUNT)).isEqualTo(1);
            assertThat(copy.getStringProperty(Variables.H_REPLAY_TO)).isEqualTo(TARGET);
            assertThat(new String(body((BytesMessage) copy), StandardCharsets.UTF_8)).startsWith("{\"id\":\"evt_" + i + "\"");
        }
    }

    List<String> deadLetters() throws Exception {
        return deadLetters(LETTERS);
    }

    /** Dead letters of 4 KB each, as the dead-letter route writes them; their ids in order. */
    List<String> deadLetters(int letters) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = connections.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageProducer producer = session.createProducer(session.createQueue(DLQ))) {
            for (int i = 0; i < letters; i++) {
                if (i % 100 == 0) {
                    session.commit(); // one journal sync per hundred
                }
                BytesMessage m = session.createBytesMessage();
                m.writeBytes(("{\"id\":\"evt_" + i + "\",\"pad\":\"" + "x".repeat(4000) + "\"}").getBytes(StandardCharsets.UTF_8));
                m.setStringProperty(Variables.H_EVENT_KEY, "evt_" + i);
                m.setStringProperty(Variables.H_REPLAY_TO, TARGET);
                producer.send(m);
                ids.add(m.getJMSMessageID());
            }
            session.commit();
        }
        return ids;
    }

    Map<String, Message> receiveAll(String queue) throws Exception {
        Map<String, Message> out = new HashMap<>();
        try (Connection connection = connections.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            connection.start();
            for (Message m = consumer.receive(1000); m != null; m = consumer.receive(300)) {
                out.put(m.getStringProperty(Variables.H_EVENT_KEY), m);
                received++;
            }
        }
        return out;
    }

    long count(String queue) {
        return broker.getActiveMQServer().locateQueue(SimpleString.of(queue)).getMessageCount();
    }

    static byte[] body(BytesMessage m) throws Exception {
        byte[] bytes = new byte[(int) m.getBodyLength()];
        m.readBytes(bytes);
        return bytes;
    }
}
