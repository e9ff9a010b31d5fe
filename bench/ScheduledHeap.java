import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * What an embedded Artemis holds in the heap for a queue of messages that wait: N durable messages
 * of 2 KB sent to one queue, its consumer open (as a route's always is), with a 16 MB memory limit
 * (global-max-size), once plain and once scheduled an hour ahead. Prints the heap used after a full
 * GC for each; exits 1 when the broker does not hold exactly the N messages it was sent (or holds the
 * scheduled ones other than as scheduled).
 * Usage: java -cp CLASSPATH bench/ScheduledHeap.java N plain|scheduled
 */
public class ScheduledHeap {

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        boolean scheduled = args[1].equals("scheduled");
        Path dir = Files.createTempDirectory("scheduled-heap");
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setPersistenceEnabled(true).setSecurityEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString()).setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString()).setLargeMessagesDirectory(dir.resolve("large").toString())
                .setGlobalMaxSize(16L << 20);
        configuration.addAcceptorConfiguration("in-vm", "vm://0");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(configuration);
        broker.start();
        long heap;
        Queue queue;
        try (Connection connection = new ActiveMQConnectionFactory("vm://0").createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            jakarta.jms.Queue destination = session.createQueue("waiting");
            MessageConsumer consumer = session.createConsumer(destination);
            MessageProducer producer = session.createProducer(destination);
            byte[] body = new byte[2048];
            long due = System.currentTimeMillis() + 3_600_000;
            for (int i = 1; i <= n; i++) {
                BytesMessage m = session.createBytesMessage();
                m.writeBytes(body);
                if (scheduled) {
                    m.setLongProperty("_AMQ_SCHED_DELIVERY", due);
                }
                producer.send(m);
                if (i % 100 == 0) {
                    session.commit();
                }
            }
            session.commit();
            // an open consumer is delivered to, as a route's is: the broker reads the paged ones back for it
            Thread.sleep(1000);
            queue = broker.getActiveMQServer().locateQueue(SimpleString.of("waiting"));
            System.gc();
            Thread.sleep(500);
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            heap = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
            System.out.printf("%s: %d messages of 2 KB, %d on the queue (%d scheduled), paging %s: heap after a full GC %d MB%n",
                    args[1], n, queue.getMessageCount(), queue.getScheduledCount(), queue.getPagingStore().isPaging(), heap);
        }
        boolean right = queue.getMessageCount() == n && queue.getScheduledCount() == (scheduled ? n : 0);
        broker.stop();
        if (!right) {
            System.out.println("FAILED: the broker does not hold the messages it was sent as sent");
            System.exit(1);
        }
        // the Artemis client's thread pools outlive the broker by their keep-alive (a minute): not waited for
        System.exit(0);
    }
}
