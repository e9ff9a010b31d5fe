package dev.pasarela.pipeline;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class QueueConfiguration {

    /**
     * The JMS component {@link dev.pasarela.messaging.Outbox} sends with when it cannot send on the
     * embedded broker's side ({@link BrokerSideEnqueue}: an external broker, say), and the
     * tenant-routes broadcast always: the same broker through a connection factory of its own. A send
     * made while a transacted queue consumer runs (a notification falling back from inside a
     * delivery) would otherwise join that consumer's session and be committed, or lost, with it,
     * while the store already says the message is queued; with its own factory it is sent, and
     * synced, at once.
     */
    @Bean("outboxjms")
    org.apache.camel.component.jms.JmsComponent outboxJms(jakarta.jms.ConnectionFactory connectionFactory) {
        jakarta.jms.ConnectionFactory target = connectionFactory instanceof
                org.springframework.jms.connection.CachingConnectionFactory caching
                && caching.getTargetConnectionFactory() != null ? caching.getTargetConnectionFactory() : connectionFactory;
        requireJournaledSends(target);
        org.springframework.jms.connection.CachingConnectionFactory own =
                new org.springframework.jms.connection.CachingConnectionFactory(target);
        own.setSessionCacheSize(10);
        keepSessionsAcrossFailover(own);
        return org.apache.camel.component.jms.JmsComponent.jmsComponent(own);
    }

    /**
     * An Artemis client with {@code ha=true} and reconnect attempts fails over to the backup by itself,
     * keeping its connection and sessions. It still tells the connection's exception listener (code
     * FAILOVER), on which Spring's CachingConnectionFactory would throw every session away: each
     * consumer would then restart and log errors, and the topic subscriptions would miss what was
     * published meanwhile. So such a factory resets its connection only when the client gives up
     * (DISCONNECT: its reconnect attempts ran out), never for a failover the client made.
     */
    @Bean
    static BeanPostProcessor keepSessionsAcrossFailover() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof org.springframework.jms.connection.CachingConnectionFactory caching) {
                    keepSessionsAcrossFailover(caching);
                    cacheDestinationLookups(caching.getTargetConnectionFactory());
                }
                return bean;
            }
        };
    }

    static void keepSessionsAcrossFailover(org.springframework.jms.connection.CachingConnectionFactory caching) {
        if (caching.getTargetConnectionFactory() instanceof org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory
                artemis && artemis.isHA() && artemis.getReconnectAttempts() != 0) {
            caching.setReconnectOnException(false);
            caching.setExceptionListener(e -> {
                if (!org.apache.activemq.artemis.jms.client.ActiveMQConnection.EXCEPTION_FAILOVER.equals(e.getErrorCode())) {
                    caching.resetConnection();
                }
            });
        }
    }

    /**
     * Every send names its queue, and Spring's destination resolver asks the session for it each
     * time: Artemis's {@code session.createQueue} is then a blocking query to the broker (a round
     * trip through the broker's threads) before the send's own. Artemis keeps the answer per
     * session when asked to; the sessions are cached, so a queue is looked up once per session.
     * The lookup never created a queue: the send does. A queue deleted meanwhile (by an operator, or
     * by a broker that deletes empty queues without consumers, as the gateway's two no longer do) is
     * created again by the next send to the kept name (DestinationLookupTest), which answers an
     * earlier review's worry (2478a5e) on Artemis 2.40. With auto-create off, a queue removed by an
     * operator fails the send instead of the lookup: loudly either way.
     */
    static void cacheDestinationLookups(jakarta.jms.ConnectionFactory target) {
        if (target instanceof org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory artemis) {
            artemis.setCacheDestinations(true);
        }
    }

    /**
     * A 2xx (webhook) or 202 (outbox) is given once the send returns. On the embedded broker's side
     * ({@link BrokerSideEnqueue}) that is after the journal's completion callback; through JMS it means
     * "journaled" only while durable sends block for the broker's answer. An external broker's URL
     * (SPRING_ARTEMIS_BROKER_URL) could turn that off with {@code blockOnDurableSend=false}.
     */
    static void requireJournaledSends(jakarta.jms.ConnectionFactory target) {
        if (target instanceof org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory artemis
                && !artemis.isBlockOnDurableSend()) {
            throw new IllegalStateException("blockOnDurableSend=false in spring.artemis.broker-url: a send would return"
                    + " before the broker has journaled the message, and the gateway would acknowledge events it may lose");
        }
    }

    /**
     * What the broker reads back ahead of a waiting queue's consumers once the queue is paged (each
     * takes one head and waits for it), and the size of its page files, which Artemis reads whole into
     * the heap while it reads from one: Artemis's defaults are 20 MB and 10 MB a queue, for the ten
     * waiting queues up to 300 MB (a callback outage's run of bench/callback-outage.sh kept ~80 MB more
     * after a full GC than with the retries scheduled in the heap).
     */
    static final int WAITING_QUEUE_READ_AHEAD_BYTES = 1024 * 1024;

    /** The journal files the embedded broker keeps once a backlog is consumed (10 MB each). */
    static final int JOURNAL_POOL_FILES = 10;

    /**
     * Broker-side safety net for the embedded broker; the external pair's broker.xml
     * (config/artemis) carries the same address settings (ExternalBrokerConfigurationTest). Camel's error handling normally settles
     * every message; when even writing a dead letter fails, the consumer rolls back and the
     * broker redelivers with backoff instead of spinning, and never drops the message.
     */
    @Bean
    ArtemisConfigurationCustomizer pasarelaBrokerSettings(BrokerProperties broker) {
        return configuration -> configuration
                // Artemis's default (-1) keeps every journal file a backlog made, empty or not: 350 MB
                // after bench/soak.sh's burst with nothing queued; its own broker.xml template keeps 10
                .setJournalPoolFiles(JOURNAL_POOL_FILES)
                .setJournalBufferTimeout_NIO(broker.journalBufferTimeoutNs())
                .setJournalBufferTimeout_AIO(broker.journalBufferTimeoutNs())
                .setGlobalMaxSize(broker.globalMaxSizeBytes())
                // a paged send is answered after its page's sync, which Artemis batches over 3.3 ms by default
                .setPageSyncTimeout(broker.journalBufferTimeoutNs())
                .addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000)
                .setMaxDeliveryAttempts(-1)
                // as broker.xml: a queue outlives its consumers (a stopped route's queue stays, and a
                // send on the broker's side finds it instead of falling back to JMS to make it again)
                .setAutoDeleteQueues(false))
                // merged with "#"'s: only what is read back ahead of the waiting queues' consumers differs
                .addAddressSetting(Queues.WAITING_PREFIX + "#", new AddressSettings()
                        .setMaxReadPageBytes(WAITING_QUEUE_READ_AHEAD_BYTES)
                        .setPageSizeBytes(WAITING_QUEUE_READ_AHEAD_BYTES));
    }
}
