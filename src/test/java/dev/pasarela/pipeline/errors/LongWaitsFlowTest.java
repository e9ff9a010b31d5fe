package dev.pasarela.pipeline.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pasarela.pipeline.Variables;
import dev.pasarela.support.GatewayTest;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.jms.ConnectionFactory;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * A message put back for later waits on the waiting queues, not scheduled in the broker's heap, and
 * arrives on its own queue once due, as it was put back. Waiting queues here hold 0.2 s, 0.4 s, 0.8 s…
 */
@GatewayTest
@TestPropertySource(properties = "pasarela.broker.schedule-in-memory-within=200ms")
class LongWaitsFlowTest {

    static final String QUEUE = "test.long-wait";
    static final List<Arrival> ARRIVALS = new CopyOnWriteArrayList<>();

    record Arrival(String body, String kept, Long scheduledFor, long at, int round) {}

    /** A consumer that puts a message back for {@code DueInMs} once, as a retry or a shaped send does. */
    @TestConfiguration
    static class PutBackOnce {
        @Bean
        RouteBuilder putBackOnce() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("jms:queue:" + QUEUE + "?transacted=true&lazyCreateTransactionManager=false")
                            .routeId("test.long-wait")
                            .choice()
                                .when(header("Round").isNull())
                                    .setHeader("Round", constant(1))
                                    .process(e -> e.getIn().setHeader(ErrorHandling.SCHEDULED_DELIVERY,
                                            System.currentTimeMillis() + e.getIn().getHeader("DueInMs", Long.class)))
                                    .to(LongWaits.PUT_BACK)
                                .otherwise()
                                    .process(e -> ARRIVALS.add(new Arrival(e.getIn().getBody(String.class),
                                            e.getIn().getHeader("Kept", String.class),
                                            e.getIn().getHeader(ErrorHandling.SCHEDULED_DELIVERY, Long.class),
                                            System.currentTimeMillis(), e.getIn().getHeader("Round", Integer.class))))
                            .end();
                }
            };
        }
    }

    @Autowired
    JmsTemplate jms;
    @Autowired
    EmbeddedActiveMQ broker;
    @Autowired
    CamelContext camel;
    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    MeterRegistry meters;

    @Test
    void aMessageDueInThreeSecondsWaitsOnDiskThenArrivesScheduledForThen() {
        ARRIVALS.clear();
        long[] movesBefore = {moves("wait.0"), moves("wait.1"), moves("wait.2"), moves("wait.3")};
        NotifyBuilder movedThrice = new NotifyBuilder(camel).fromRoute("pasarela.wait-3").whenCompleted(1)
                .and().fromRoute("pasarela.wait-2").whenCompleted(1)
                .and().fromRoute("pasarela.wait-1").whenCompleted(1).create();
        long sentAt = System.currentTimeMillis();
        jms.convertAndSend(QUEUE, "the body", m -> {
            m.setLongProperty("DueInMs", 3_000);
            m.setStringProperty("Kept", "yes");
            return m;
        });
        // 3 s ahead: 1.6 s on wait.3 first, then 0.8 s on wait.2, 0.4 s on wait.1, and the rest scheduled
        await().atMost(Duration.ofSeconds(10)).until(() -> count("wait.3") == 1);
        assertThat(queue(QUEUE).getScheduledCount()).as("not scheduled in the broker's heap").isZero();
        assertThat(queue(QUEUE).getMessageCount()).isZero();

        await().atMost(Duration.ofSeconds(20)).until(() -> !ARRIVALS.isEmpty());
        Arrival arrival = ARRIVALS.get(0);
        assertThat(arrival.body()).isEqualTo("the body");
        assertThat(arrival.kept()).as("its headers go with it").isEqualTo("yes");
        assertThat(arrival.round()).isEqualTo(1);
        assertThat(arrival.at()).as("not before it is due").isGreaterThanOrEqualTo(sentAt + 3_000);
        if (arrival.scheduledFor() != null) { // none when the last move came after its due time (a loaded machine)
            assertThat(arrival.scheduledFor()).as("scheduled on its queue for its due time").isGreaterThanOrEqualTo(sentAt + 3_000)
                    .isLessThanOrEqualTo(arrival.at());
        }
        assertThat(movedThrice.matches()).as("1.6 s on wait.3, 0.8 on wait.2, 0.4 on wait.1, each moved on once").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> count("wait.0") + count("wait.1") + count("wait.2")
                + count("wait.3") == 0);
        assertThat(ARRIVALS).hasSize(1);
        assertThat(new long[] {moves("wait.0"), moves("wait.1"), moves("wait.2"), moves("wait.3")})
                .as("each move's lateness measured once, on the queue it left")
                .containsExactly(movesBefore[0], movesBefore[1] + 1, movesBefore[2] + 1, movesBefore[3] + 1);
    }

    @Test
    void aMessageOnAWaitingQueueThatDoesNotSayWhereItGoesIsADeadLetter() {
        long movesBefore = moves("wait.0");
        jms.convertAndSend("wait.0", "stray", m -> {
            m.setStringProperty("Kept", "yes");
            return m;
        });
        JmsTemplate receiver = new JmsTemplate(connectionFactory);
        receiver.setReceiveTimeout(10_000);
        Message dead = receiver.receive(LongWaits.DEAD_LETTERS);
        assertThat(dead).isNotNull();
        try {
            assertThat(dead.getStringProperty(Variables.H_FAILURE_CAUSE)).contains(LongWaits.WAITING_FOR);
            assertThat(dead.getStringProperty("Kept")).isEqualTo("yes");
            assertThat(moves("wait.0")).as("a stray has no time to be late for").isEqualTo(movesBefore);
        } catch (jakarta.jms.JMSException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aWaitingQueueStoppedWhileItsConsumersWaitKeepsTheirHeadsAndMovesThemOnOnceStarted() throws Exception {
        ARRIVALS.clear();
        jms.convertAndSend(QUEUE, "held", m -> {
            m.setLongProperty("DueInMs", 5_000); // 3.2 s on wait.4 first
            return m;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> queue("wait.4") != null
                && queue("wait.4").getDeliveringCount() == 1);
        camel.getRouteController().stopRoute("pasarela.wait-4");
        assertThat(count("wait.4")).as("rolled back, still on its queue").isEqualTo(1);
        assertThat(queue("wait.4").getDeliveringCount()).isZero();
        // given back with the broker's redelivery delay: scheduled for a second, then browsable
        await().atMost(Duration.ofSeconds(5)).until(() -> queue("wait.4").getScheduledCount() == 0);
        long leavesAt;
        try (var heads = queue("wait.4").browserIterator()) {
            leavesAt = heads.next().getMessage().getLongProperty(LongWaits.LEAVES_AT);
        }
        long movesBefore = moves("wait.4");
        // started again half a second after the head should have left: it leaves that late
        await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > leavesAt + 500);
        camel.getRouteController().startRoute("pasarela.wait-4");
        await().atMost(Duration.ofSeconds(20)).until(() -> !ARRIVALS.isEmpty());
        assertThat(ARRIVALS).singleElement().extracting(Arrival::body).isEqualTo("held");
        assertThat(moves("wait.4")).isEqualTo(movesBefore + 1);
        assertThat(lateness("wait.4").max(TimeUnit.MILLISECONDS)).as("the operator sees how late it left")
                .isGreaterThanOrEqualTo(500);
    }

    @Test
    void aPagedWaitingQueueIsReadBackOneMegabyteAheadWithEveryOtherSettingOfAllQueues() {
        var settings = broker.getActiveMQServer().getAddressSettingsRepository().getMatch("wait.3");
        assertThat(settings.getMaxReadPageBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.getPageSizeBytes()).as("a page being read is held whole").isEqualTo(1024 * 1024);
        assertThat(settings.getMaxDeliveryAttempts()).as("never dropped after rollbacks, as every queue").isEqualTo(-1);
        assertThat(settings.getRedeliveryDelay()).isEqualTo(1000);
        assertThat(settings.isAutoDeleteQueues()).isFalse();
        assertThat(broker.getActiveMQServer().getAddressSettingsRepository().getMatch("out.whatsapp").getMaxReadPageBytes())
                .as("other queues: Artemis's default").isEqualTo(20 * 1024 * 1024);
    }

    private Timer lateness(String queue) {
        return meters.get(LongWaits.LATENESS).tag("queue", queue).timer();
    }

    private long moves(String queue) {
        return lateness(queue).count();
    }

    private long count(String name) {
        Queue q = queue(name);
        return q == null ? 0 : q.getMessageCount();
    }

    private Queue queue(String name) {
        return broker.getActiveMQServer().locateQueue(name);
    }

}
