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
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jms.ConnectionFactoryUnwrapper;
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
    /** Decided on first use once the broker is made; neither bean changes afterwards. Racing first uses decide alike. */
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
            if (broker == null) {
                return Optional.empty();
            }
        }
        return broker.map(EmbeddedActiveMQ::getActiveMQServer).filter(ActiveMQServer::isActive);
    }

    /**
     * Null while there is nothing to decide from (the broker not started yet, the context closing):
     * then nothing is kept, and the caller sends through JMS.
     */
    private Optional<EmbeddedActiveMQ> decide() {
        try {
            EmbeddedActiveMQ broker = embedded.getIfAvailable();
            if (broker == null) {
                return Optional.empty();
            }
            ActiveMQServer server = broker.getActiveMQServer();
            if (server == null) {
                return null;
            }
            ConnectionFactory factory = connectionFactory.getIfUnique();
            return factory != null && connectsTo(factory, server.getConfiguration()) ? Optional.of(broker) : Optional.empty();
        } catch (BeansException closing) {
            return null;
        }
    }

    /**
     * Whether every connector of {@code factory} (under Spring's caching or the pooled-jms wrapper) is
     * in-VM to a server id the broker of {@code broker} accepts in-VM connections on. A factory this
     * cannot look into counts as elsewhere: the JMS path is always right, only slower.
     */
    static boolean connectsTo(ConnectionFactory factory, Configuration broker) {
        ConnectionFactory target = ConnectionFactoryUnwrapper.unwrap(factory);
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

    /** As Artemis reads it: an int or its text, 0 when absent. */
    private static String serverId(TransportConfiguration transport) {
        Object id = transport.getParams() == null ? null : transport.getParams().get(TransportConstants.SERVER_ID_PROP_NAME);
        return id == null ? "0" : String.valueOf(id).trim();
    }
}
