package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.persistence.impl.journal.OperationContextImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
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
import org.springframework.beans.factory.support.StaticListableBeanFactory;
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
    private SimpleMeterRegistry meters;

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedActiveMQ().setConfiguration(configuration(dir));
        broker.start();
        connections = new CachingConnectionFactory(new ActiveMQConnectionFactory("vm://7312"));
        camel = new DefaultCamelContext();
        camel.addComponent("jms", JmsComponent.jmsComponent(connections));
        camel.start();
        meters = new SimpleMeterRegistry();
        enqueue = new BrokerSideEnqueue(jmsOn(broker, connections), Clock.systemUTC(), meters, WINDOW);
    }

    /** The gateway's default (pasarela.broker.enqueue-window). */
    static final Duration WINDOW = Duration.ofNanos(500_000);

    @AfterEach
    void stop() throws Exception {
        enqueue.close();
        stopBroker();
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

    /**
     * A process that halts right after its sends returned, with no shutdown to flush the journal's
     * buffer (kept open up to a second before a sync here): what the send acknowledged is on disk.
     */
    @Test
    void whatASendAcknowledgedIsInTheJournalWhenTheProcessHaltsRightAfter() throws Exception {
        assertThat(assertKeptAfterAHalt(-1)).contains("paged 0");
    }

    /**
     * The same once the queued messages take more than the broker's memory limit
     * ({@code pasarela.broker.global-max-size}): the broker pages them to disk instead of its journal, and
     * a send returns only after its page is written (its page writer also waits up to a second here).
     * With a limit of one byte the first message still goes to the journal: paging starts once it is in.
     */
    @Test
    void whatASendAcknowledgedIsInThePageFilesWhenTheBrokerPagesAndTheProcessHaltsRightAfter() throws Exception {
        String log = assertKeptAfterAHalt(1);
        assertThat(log).contains("paged " + (HaltAfterSends.SENDS - 1));
    }

    private String assertKeptAfterAHalt(long globalMaxSize) throws Exception {
        queue("in.kept");
        stopBroker();

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HaltAfterSends.class.getName(), dir.toString(),
                String.valueOf(globalMaxSize))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child halted").isTrue();
        } finally {
            child.destroyForcibly(); // a child that hung must not keep the journal's lock
        }
        String log = Files.readString(dir.resolve("child.log"));
        assertThat(log).contains("acknowledged " + HaltAfterSends.SENDS);

        startBroker();
        // a paged queue's count is rebuilt after the start
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(broker.getActiveMQServer().locateQueue("in.kept").getMessageCount()).isEqualTo(HaltAfterSends.SENDS));
        for (int i = 0; i < HaltAfterSends.SENDS; i++) {
            assertThat(receive("in.kept").getIn().getHeader(Variables.H_EVENT_KEY)).isEqualTo("evt_kept_" + i);
        }
        return log;
    }

    /**
     * The child of the tests above: sends on the broker's side (its memory limit in bytes the second
     * argument, -1 for Artemis's default of half the heap), says so and how many it paged, and halts.
     */
    static final class HaltAfterSends {
        static final int SENDS = 3;

        public static void main(String[] args) throws Exception {
            ConfigurationImpl configuration = configuration(Path.of(args[0]));
            configuration.setJournalBufferTimeout_NIO(1_000_000_000) // a write waits up to a second for its sync
                    .setPageSyncTimeout(1_000_000_000); // a page's too
            if (Long.parseLong(args[1]) > 0) {
                configuration.setGlobalMaxSize(Long.parseLong(args[1]));
            }
            EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(configuration);
            broker.start();
            BrokerSideEnqueue enqueue = new BrokerSideEnqueue(
                    jmsOn(broker, new ActiveMQConnectionFactory("vm://7312")), Clock.systemUTC(), new SimpleMeterRegistry(),
                    WINDOW);
            for (int i = 0; i < SENDS; i++) {
                if (!enqueue.send("in.kept", ("{\"id\":\"evt_kept_" + i + "\"}").getBytes(StandardCharsets.UTF_8),
                        Map.of(Variables.H_EVENT_KEY, "evt_kept_" + i))) {
                    throw new IllegalStateException("not sent on the broker's side");
                }
            }
            System.out.println("acknowledged " + SENDS);
            System.out.println("paged " + broker.getActiveMQServer().locateQueue("in.kept").getPageSubscription()
                    .getCounter().getValue());
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    @Test
    void aQueueNotYetMadeIsLeftToTheJmsSendWhichMakesIt() throws Exception {
        // were it routed, a broker told to dead-letter unroutable messages would keep a copy
        queue("DLQ");
        broker.getActiveMQServer().getAddressSettingsRepository().addMatch("in.#",
                new org.apache.activemq.artemis.core.settings.impl.AddressSettings()
                        .setSendToDLAOnNoRoute(true).setDeadLetterAddress(org.apache.activemq.artemis.api.core.SimpleString.of("DLQ")));
        Exchange exchange = event("evt_new");

        assertThat(enqueue.send(exchange, "in.not-yet")).isFalse();
        assertThat(broker.getActiveMQServer().locateQueue("in.not-yet")).as("nothing was made or stored").isNull();
        // counted as it is routed (the queue's own count follows the journal's sync)
        assertThat(broker.getActiveMQServer().getAddressInfo(org.apache.activemq.artemis.api.core.SimpleString.of("DLQ"))
                .getRoutedMessageCount()).as("nor dead-lettered").isZero();
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
        Exchange camelHeader = event("evt_camel");
        camelHeader.getIn().setHeader("CamelJmsDestinationName", "in.elsewhere");
        Exchange jmsHeader = event("evt_jms");
        jmsHeader.getIn().setHeader("JMSCorrelationID", "corr-1");

        assertThat(enqueue.send(large, "in.other")).as("a large message").isFalse();
        assertThat(enqueue.send(text, "in.other")).as("a text body").isFalse();
        assertThat(enqueue.send(number, "in.other")).as("a number header").isFalse();
        assertThat(enqueue.send(dotted, "in.other")).as("a name Camel encodes").isFalse();
        assertThat(enqueue.send(camelHeader, "in.other")).as("a header Camel's binding filters").isFalse();
        assertThat(enqueue.send(jmsHeader, "in.other")).as("a header for the message's own fields").isFalse();
        assertThat(broker.getActiveMQServer().locateQueue("in.other").getMessageCount()).isZero();
    }

    @Test
    void withoutAnEmbeddedBrokerTheJmsProducerSends() {
        BrokerSideEnqueue external = new BrokerSideEnqueue(jmsOn(null, connections), Clock.systemUTC(), meters, WINDOW);

        assertThat(external.send(event("evt_ext"), "in.same")).isFalse();
    }

    /** Native mode with the embedded broker left enabled: Spring Boot starts it, and nobody consumes from it. */
    @Test
    void anEmbeddedBrokerBesideTheExternalOneTheConsumersUseIsNotSentTo() throws Exception {
        queue("in.beside");
        BrokerSideEnqueue beside = new BrokerSideEnqueue(
                jmsOn(broker, new CachingConnectionFactory(new ActiveMQConnectionFactory("tcp://127.0.0.1:61616"))),
                Clock.systemUTC(), meters, WINDOW);

        assertThat(beside.send(event("evt_beside"), "in.beside")).isFalse();
        assertThat(broker.getActiveMQServer().locateQueue("in.beside").getMessageCount()).isZero();
    }

    @Test
    void aMessageThatWouldReachNoQueueIsLeftToTheJmsSend() throws Exception {
        broker.getActiveMQServer().createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of("in.filtered")
                .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST).setFilterString("never = 1"));

        assertThat(enqueue.send(event("evt_filtered"), "in.filtered")).isFalse();
        assertThat(broker.getActiveMQServer().locateQueue("in.filtered").getMessageCount()).isZero();
    }

    /** With no window the routing runs on the sender's thread, a broker's thread perhaps, whose context it sets. */
    @Test
    void theCallersOperationContextIsTheThreadsAgainAfterASend() throws Exception {
        queue("in.context");
        enqueue.close();
        enqueue = new BrokerSideEnqueue(jmsOn(broker, connections), Clock.systemUTC(), meters, Duration.ZERO);
        var callers = broker.getActiveMQServer().getStorageManager()
                .newContext(broker.getActiveMQServer().getExecutorFactory().getExecutor());
        OperationContextImpl.setContext(callers);
        try {
            assertThat(enqueue.send(event("evt_context"), "in.context")).isTrue();

            assertThat(OperationContextImpl.getContext()).isSameAs(callers);
        } finally {
            OperationContextImpl.clearContext();
        }
        assertThat(enqueue.send(event("evt_none"), "in.context")).isTrue();
        assertThat(OperationContextImpl.getContext()).as("none before, none after").isNull();
    }

    /** Routed together within their window (RoutingWindow): each sender still gets its own message's outcome. */
    @Test
    void concurrentSendsAreEachJournaledOnceAndEachSenderAnswered() throws Exception {
        queue("in.concurrent");
        int senders = 16;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<Boolean>> sent = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                for (int i = 0; i < each; i++) {
                    String key = "evt_c" + s + "_" + i;
                    sent.add(pool.submit(() -> enqueue.send(event(key), "in.concurrent")));
                }
            }
            for (Future<Boolean> one : sent) {
                assertThat(one.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        // the queue counts a journaled message once its delivery task has taken it in, on the broker's executor
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                broker.getActiveMQServer().locateQueue("in.concurrent").getMessageCount()).isEqualTo(senders * each));
        Set<String> keys = new HashSet<>();
        for (int n = 0; n < senders * each; n++) {
            keys.add(receive("in.concurrent").getIn().getHeader(Variables.H_EVENT_KEY, String.class));
        }
        assertThat(keys).hasSize(senders * each);
    }

    /**
     * Routed on the journal's append executor (JournalAppendExecutor): a task given to that executor from
     * inside the routing runs after the window's run, in the same turn on the same thread, as the routing's
     * own appends do.
     */
    @Test
    void sendsAreRoutedOnTheJournalsAppendExecutor() throws Exception {
        queue("in.appended");
        var journal = JournalAppendExecutor.of(broker.getActiveMQServer());
        assertThat(journal).as("found on this Artemis").isPresent();
        List<String> routedThenAppended = new CopyOnWriteArrayList<>();
        broker.getActiveMQServer().registerBrokerPlugin(new ActiveMQServerMessagePlugin() {
            @Override
            public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
                if ("in.appended".equals(message.getAddress())) {
                    String routedOn = Thread.currentThread().getName();
                    journal.get().execute(() -> routedThenAppended.add(routedOn + " | " + Thread.currentThread().getName()));
                }
            }
        });

        for (int i = 0; i < 3; i++) {
            assertThat(enqueue.send(event("evt_appended_" + i), "in.appended")).isTrue();
        }
        assertThat(routedThenAppended).hasSize(3).allSatisfy(threads -> {
            String[] routedAndAppended = threads.split(" \\| ");
            assertThat(routedAndAppended[0]).contains("ActiveMQ-IO-server").isEqualTo(routedAndAppended[1]);
        });
    }

    /**
     * Sends that take their address past its memory limit: the one that crosses it starts the paging (on
     * the journal's thread), the ones after are routed on their senders' threads, into the page files, even
     * those whose window was already waiting on the journal's thread. None is lost.
     */
    @Test
    void concurrentSendsThatStartTheirAddressPagingAreEachKept() throws Exception {
        broker.getActiveMQServer().getAddressSettingsRepository().addMatch("in.filling", new AddressSettings()
                .setMaxSizeBytes(16 * 1024).setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
        queue("in.filling");
        Set<String> routedOn = ConcurrentHashMap.newKeySet();
        AtomicInteger pagedOnTheJournalsThread = new AtomicInteger();
        var pages = broker.getActiveMQServer().getPagingManager().getPageStore(SimpleString.of("in.filling"));
        broker.getActiveMQServer().registerBrokerPlugin(new ActiveMQServerMessagePlugin() {
            @Override
            public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
                if ("in.filling".equals(message.getAddress())) {
                    String thread = Thread.currentThread().getName();
                    routedOn.add(thread);
                    // only a routing on the journal's thread starts the paging, so none there can race this
                    if (thread.contains("ActiveMQ-IO-server") && pages.isPaging()) {
                        pagedOnTheJournalsThread.incrementAndGet();
                    }
                }
            }
        });
        int senders = 16;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(senders, sender -> new Thread(sender, "sender"));
        try {
            List<Future<Boolean>> sent = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                for (int i = 0; i < each; i++) {
                    Exchange event = event("evt_f" + s + "_" + i);
                    event.getIn().setBody(new byte[1024]);
                    sent.add(pool.submit(() -> enqueue.send(event, "in.filling")));
                }
            }
            for (Future<Boolean> one : sent) {
                assertThat(one.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        var queue = broker.getActiveMQServer().locateQueue("in.filling");
        assertThat(queue.getPagingStore().isPaging()).as("the address pages").isTrue();
        assertThat(routedOn).as("before it paged, and after").contains("sender")
                .anyMatch(thread -> thread.contains("ActiveMQ-IO-server"));
        assertThat(pagedOnTheJournalsThread).as("paged sends routed on the journal's thread").hasValue(0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(queue.getMessageCount()).isEqualTo(senders * each));
    }

    @Test
    void withNoWindowEachSendIsRoutedOnItsOwn() throws Exception {
        queue("in.inline");
        BrokerSideEnqueue inline = new BrokerSideEnqueue(jmsOn(broker, connections), Clock.systemUTC(), meters, Duration.ZERO);

        assertThat(inline.send(event("evt_inline"), "in.inline")).isTrue();
        assertThat(receive("in.inline").getIn().getHeader(Variables.H_EVENT_KEY)).isEqualTo("evt_inline");
    }

    @Test
    void eachSendIsCountedByThePathThatMakesIt() throws Exception {
        queue("in.counted");
        Exchange large = event("evt_large");
        large.getIn().setBody(new byte[BrokerSideEnqueue.LARGEST_BODY + 1]);

        enqueue.send(event("evt_1"), "in.counted");
        enqueue.send(event("evt_2"), "in.counted");
        enqueue.send(large, "in.counted");

        assertThat(meters.counter("pasarela.enqueue", "queue", "in.counted", "path", "broker-side").count()).isEqualTo(2);
        assertThat(meters.counter("pasarela.enqueue", "queue", "in.counted", "path", "jms").count()).isEqualTo(1);
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

    static ConfigurationImpl configuration(Path dir) {
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setDiskScanPeriod(50);
        try {
            configuration.addAcceptorConfiguration("in-vm", "vm://7312");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return configuration;
    }

    /** Made by hand, so the broker does not delete it while it is empty. */
    private void queue(String name) throws Exception {
        broker.getActiveMQServer().createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of(name)
                .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST));
    }

    private void restartBroker() throws Exception {
        stopBroker();
        startBroker();
    }

    private void stopBroker() throws Exception {
        camel.close();
        connections.destroy();
        broker.stop();
    }

    private void startBroker() throws Exception {
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

    /** As the application context has them: the embedded broker (or none) and the JMS connection factory. */
    static EmbeddedJmsBroker jmsOn(EmbeddedActiveMQ broker, ConnectionFactory connections) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        if (broker != null) {
            beans.addBean("embeddedBroker", broker);
        }
        beans.addBean("jmsConnectionFactory", connections);
        return new EmbeddedJmsBroker(beans.getBeanProvider(EmbeddedActiveMQ.class), beans.getBeanProvider(ConnectionFactory.class));
    }
}
