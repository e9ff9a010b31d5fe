package dev.pasarela.pipeline;

import jakarta.jms.ConnectionFactory;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnectorFactory;
import org.apache.activemq.artemis.core.remoting.impl.invm.TransportConstants;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jms.connection.DelegatingConnectionFactory;
import org.springframework.jms.connection.SingleConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * The embedded Artemis broker, when it is the one the gateway's JMS connection is on. Spring Boot
 * starts an embedded broker unless {@code spring.artemis.embedded.enabled=false}, also when the
 * connection (and every consumer) is on an external broker: in native mode, or when a service
 * connection says where the broker is. So what counts is what the connection factory connects to,
 * not the properties: only when every connector of it is in-VM to an acceptor of the embedded
 * broker is a message put there one the gateway's consumers receive.
 */
@Component
public class EmbeddedJmsBroker {

    private final ObjectProvider<EmbeddedActiveMQ> embedded;
    private final ObjectProvider<ConnectionFactory> connectionFactory;
    /** Decided on first use, when both beans are made; neither changes afterwards. */
    private volatile Optional<EmbeddedActiveMQ> connected;

    public EmbeddedJmsBroker(ObjectProvider<EmbeddedActiveMQ> embedded, ObjectProvider<ConnectionFactory> connectionFactory) {
        this.embedded = embedded;
        this.connectionFactory = connectionFactory;
    }

    /** The embedded broker the JMS connection is on, while it runs; empty for an external broker. */
    public Optional<ActiveMQServer> running() {
        Optional<EmbeddedActiveMQ> broker = connected;
        if (broker == null) {
            broker = connected = decide();
        }
        return broker.map(EmbeddedActiveMQ::getActiveMQServer).filter(ActiveMQServer::isActive);
    }

    private Optional<EmbeddedActiveMQ> decide() {
        EmbeddedActiveMQ broker = embedded.getIfAvailable();
        ConnectionFactory factory = connectionFactory.getIfUnique();
        return broker != null && factory != null && broker.getActiveMQServer() != null
                && connectsTo(factory, broker.getActiveMQServer().getConfiguration())
                ? Optional.of(broker) : Optional.empty();
    }

    /**
     * Whether every connector of {@code factory} (under Spring's caching or delegating wrappers) is
     * in-VM to a server id the broker of {@code broker} accepts in-VM connections on. A factory this
     * cannot look into counts as elsewhere: the JMS path is always right, only slower.
     */
    static boolean connectsTo(ConnectionFactory factory, Configuration broker) {
        ConnectionFactory target = unwrap(factory);
        if (!(target instanceof ActiveMQConnectionFactory artemis) || artemis.getStaticConnectors() == null
                || artemis.getStaticConnectors().length == 0 || artemis.isHA()) {
            return false; // discovery or HA: the broker it ends on is not known here
        }
        Set<String> accepted = broker.getAcceptorConfigurations().stream()
                .filter(a -> InVMAcceptorFactory.class.getName().equals(a.getFactoryClassName()))
                .map(EmbeddedJmsBroker::serverId)
                .collect(Collectors.toSet());
        return Arrays.stream(artemis.getStaticConnectors())
                .allMatch(c -> InVMConnectorFactory.class.getName().equals(c.getFactoryClassName())
                        && accepted.contains(serverId(c)));
    }

    private static ConnectionFactory unwrap(ConnectionFactory factory) {
        ConnectionFactory target = factory;
        for (int depth = 0; depth < 8; depth++) { // wrappers of wrappers, never a loop
            ConnectionFactory inner = target instanceof SingleConnectionFactory single ? single.getTargetConnectionFactory()
                    : target instanceof DelegatingConnectionFactory delegating ? delegating.getTargetConnectionFactory()
                    : null;
            if (inner == null) {
                return target;
            }
            target = inner;
        }
        return target;
    }

    /** As Artemis reads it: an int or its text, 0 when absent. */
    private static String serverId(TransportConfiguration transport) {
        Object id = transport.getParams() == null ? null : transport.getParams().get(TransportConstants.SERVER_ID_PROP_NAME);
        return id == null ? "0" : String.valueOf(id).trim();
    }
}
