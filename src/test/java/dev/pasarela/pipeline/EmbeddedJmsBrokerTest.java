package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Whether the JMS connection is on the embedded broker, read off the connection factory Spring Boot
 * made, in each way Spring Boot can be set up: an embedded broker it starts beside an external
 * connection is not the gateway's.
 */
class EmbeddedJmsBrokerTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ArtemisAutoConfiguration.class, JmsAutoConfiguration.class))
            .withBean(EmbeddedJmsBroker.class)
            .withPropertyValues("spring.artemis.embedded.persistent=false", "spring.artemis.embedded.server-id=7313");

    @Test
    void theDefaultsConnectToTheEmbeddedBroker() {
        context.run(c -> assertThat(c.getBean(EmbeddedJmsBroker.class).running())
                .containsSame(c.getBean(EmbeddedActiveMQ.class).getActiveMQServer()));
    }

    @Test
    void embeddedModeConnectsToIt() {
        context.withPropertyValues("spring.artemis.mode=embedded")
                .run(c -> assertThat(c.getBean(EmbeddedJmsBroker.class).running()).isPresent());
    }

    /** Spring Boot starts the embedded broker unless told not to, also in native mode: nobody consumes there. */
    @Test
    void nativeModeWithTheEmbeddedBrokerLeftEnabledConnectsElsewhere() {
        context.withPropertyValues("spring.artemis.mode=native", "spring.artemis.broker-url=tcp://127.0.0.1:61616")
                .run(c -> {
                    assertThat(c).hasSingleBean(EmbeddedActiveMQ.class);
                    assertThat(c.getBean(EmbeddedJmsBroker.class).running()).isEmpty();
                });
    }

    @Test
    void withoutAnEmbeddedBrokerThereIsNone() {
        context.withPropertyValues("spring.artemis.embedded.enabled=false")
                .run(c -> {
                    assertThat(c).doesNotHaveBean(EmbeddedActiveMQ.class);
                    assertThat(c.getBean(EmbeddedJmsBroker.class).running()).isEmpty();
                });
    }

    @Test
    void anInVmConnectionToAnotherServerIdIsNotToIt() {
        context.withPropertyValues("spring.artemis.mode=native", "spring.artemis.broker-url=vm://7399")
                .run(c -> assertThat(c.getBean(EmbeddedJmsBroker.class).running()).isEmpty());
    }

    /** Asked before the broker started (no server yet): not running, and decided again once it is. */
    @Test
    void aBrokerNotYetStartedIsDecidedOnceItIs() throws Exception {
        org.apache.activemq.artemis.core.config.Configuration config = new org.apache.activemq.artemis.core.config.impl.ConfigurationImpl()
                .setPersistenceEnabled(false).setSecurityEnabled(false).setJMXManagementEnabled(false)
                .addAcceptorConfiguration("in-vm", "vm://7314");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        EmbeddedJmsBroker jms = BrokerSideEnqueueTest.jmsOn(broker,
                new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory("vm://7314"));

        assertThat(jms.running()).isEmpty();
        broker.start();
        try {
            assertThat(jms.running()).containsSame(broker.getActiveMQServer());
        } finally {
            broker.stop();
        }
    }

    @Test
    void aStoppedBrokerIsNotRunning() {
        context.run(c -> {
            EmbeddedJmsBroker broker = c.getBean(EmbeddedJmsBroker.class);
            assertThat(broker.running()).isPresent();
            c.getBean(EmbeddedActiveMQ.class).stop();
            assertThat(broker.running()).isEmpty();
        });
    }
}
