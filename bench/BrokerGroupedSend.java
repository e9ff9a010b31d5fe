import jakarta.jms.*;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Would one JMS transaction for the events of concurrent requests make the durable enqueue cheaper?
 * An embedded Artemis as the gateway runs it (in-VM, persistent NIO journal, 0.5 ms buffer timeout),
 * 4 KB messages: 16 threads each doing blocking durable sends (what a webhook does now), against
 * the same 16 threads handing their message to one sender that sends what is waiting in one
 * transaction and commits (each thread waits for its commit). Throughput and the whole process's
 * CPU per message, in alternating runs; fails when the queue does not hold every message sent.
 * Run by bench/broker-grouped-send.sh.
 */
public class BrokerGroupedSend {
    static final int THREADS = 16;
    static volatile boolean directCallback;
    public static void main(String[] a) throws Exception {
        // logback's default is DEBUG to the console: the broker's audit log would cost more than the sends
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path dir = Files.createTempDirectory("broker-grouped-send");
        ConfigurationImpl c = new ConfigurationImpl();
        c.setPersistenceEnabled(true).setSecurityEnabled(false).setJournalDirectory(dir.resolve("j").toString())
         .setBindingsDirectory(dir.resolve("b").toString()).setPagingDirectory(dir.resolve("p").toString())
         .setLargeMessagesDirectory(dir.resolve("l").toString()).setJournalType(org.apache.activemq.artemis.core.server.JournalType.NIO)
         .setJournalBufferTimeout_NIO(500_000).addAcceptorConfiguration("in-vm", "vm://0");
        EmbeddedActiveMQ server = new EmbeddedActiveMQ(); server.setConfiguration(c); server.start();
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("vm://0");
        Connection conn = cf.createConnection(); conn.start();
        byte[] body = new byte[4122]; new Random(1).nextBytes(body);
        int seconds = Integer.parseInt(a[0]);
        // made by hand, so the broker does not delete it when a run has drained it
        server.getActiveMQServer().createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of("in.bench")
                .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST));
        boolean serverSide = a.length > 1 && a[1].equals("server");
        for (int round = 1; round <= 3; round++) {
            run("blocking", conn, body, seconds, false, null);
            if (serverSide) {
                run("server", conn, body, seconds, false, server.getActiveMQServer());
                directCallback = true;
                run("server-direct", conn, body, seconds, false, server.getActiveMQServer());
                directCallback = false;
            }
            else run("grouped", conn, body, seconds, true, null);
        }
        conn.close(); server.stop();
    }
    record Item(byte[] body, CompletableFuture<Void> done) {}
    static void run(String name, Connection conn, byte[] body, int seconds, boolean grouped,
                    org.apache.activemq.artemis.core.server.ActiveMQServer routeOn) throws Exception {
        AtomicLong sent = new AtomicLong(); AtomicBoolean stop = new AtomicBoolean();
        BlockingQueue<Item> pending = new LinkedBlockingQueue<>();
        Thread combiner = null;
        if (grouped) {
            Session tx = conn.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = tx.createProducer(tx.createQueue("in.bench"));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            combiner = new Thread(() -> {
                List<Item> batch = new ArrayList<>();
                try {
                    while (!stop.get() || !pending.isEmpty()) {
                        Item first = pending.poll(50, TimeUnit.MILLISECONDS);
                        if (first == null) continue;
                        batch.add(first); pending.drainTo(batch, 255);
                        for (Item i : batch) { BytesMessage m = tx.createBytesMessage(); m.writeBytes(i.body()); m.setStringProperty("eventKey", UUID.randomUUID().toString()); p.send(m); }
                        tx.commit();
                        batch.forEach(i -> i.done().complete(null)); batch.clear();
                    }
                } catch (Exception e) { e.printStackTrace(); }
            });
            combiner.start();
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime();
        for (int t = 0; t < THREADS; t++) pool.submit(() -> {
            try {
                if (routeOn != null) { serverSideSends(routeOn, body, stop, sent); return null; }
                Session s = grouped ? null : conn.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = grouped ? null : s.createProducer(s.createQueue("in.bench"));
                if (p != null) p.setDeliveryMode(DeliveryMode.PERSISTENT);
                while (!stop.get()) {
                    if (grouped) { Item i = new Item(body, new CompletableFuture<>()); pending.add(i); i.done().get(); }
                    else { BytesMessage m = s.createBytesMessage(); m.writeBytes(body); m.setStringProperty("eventKey", UUID.randomUUID().toString()); p.send(m); }
                    sent.incrementAndGet();
                }
                if (s != null) s.close();
            } catch (Exception e) { e.printStackTrace(); }
            return null;
        });
        Thread.sleep(seconds * 1000L); stop.set(true); pool.shutdown(); pool.awaitTermination(30, TimeUnit.SECONDS);
        if (combiner != null) combiner.join();
        long cpu = os.getProcessCpuTime() - cpu0, wall = System.nanoTime() - t0;
        System.out.printf("%-8s %7.0f msg/s  %5.0f µs CPU per message%n", name, sent.get() * 1e9 / wall, cpu / 1e3 / sent.get());
        // drain so the queue does not grow between runs
        Session d = conn.createSession(false, Session.AUTO_ACKNOWLEDGE); MessageConsumer mc = d.createConsumer(d.createQueue("in.bench"));
        long drained = 0;
        while (mc.receive(500) != null) { drained++; }
        d.close();
        if (drained != sent.get()) throw new AssertionError(name + ": sent " + sent.get() + " but the queue held " + drained);
    }

    /** The send routed on the broker's side, no client session: each thread waits for its journal sync. */
    static void serverSideSends(org.apache.activemq.artemis.core.server.ActiveMQServer server, byte[] body,
                                AtomicBoolean stop, AtomicLong sent) throws Exception {
        var sm = server.getStorageManager();
        var ctx = sm.newContext(directCallback ? Runnable::run : server.getExecutorFactory().getExecutor());
        while (!stop.get()) {
            var m = new org.apache.activemq.artemis.core.message.impl.CoreMessage(sm.generateID(), body.length + 512);
            m.setAddress("in.bench"); m.setDurable(true); m.setType(org.apache.activemq.artemis.api.core.Message.BYTES_TYPE);
            m.setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST);
            m.setUserID(org.apache.activemq.artemis.utils.UUIDGenerator.getInstance().generateUUID());
            m.setTimestamp(System.currentTimeMillis());
            m.putStringProperty("eventKey", UUID.randomUUID().toString());
            m.getBodyBuffer().writeBytes(body);
            CompletableFuture<Void> synced = new CompletableFuture<>();
            sm.setContext(ctx);
            try {
                var status = server.getPostOffice().route(m, true);
                if (status != org.apache.activemq.artemis.core.postoffice.RoutingStatus.OK) throw new java.lang.IllegalStateException("routed: " + status);
                ctx.executeOnCompletion(new org.apache.activemq.artemis.core.io.IOCallback() {
                    public void done() { synced.complete(null); }
                    public void onError(int code, String message) { synced.completeExceptionally(new java.lang.IllegalStateException(code + " " + message)); }
                });
            } finally { sm.clearContext(); }
            synced.get();
            sent.incrementAndGet();
        }
    }
}
