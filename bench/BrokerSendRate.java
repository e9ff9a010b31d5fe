import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.jms.Connection;
import javax.jms.DeliveryMode;
import javax.jms.MessageProducer;
import javax.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Durable sends per second into the external broker pair, each send blocking until the broker
 * has journaled it (the gateway's enqueue): one sender, then N concurrent senders (a gateway's
 * request threads). Run by bench/broker-send-rate.sh; prints one line per run.
 * Args: BROKER_URL USER PASSWORD SECONDS SENDERS...
 */
public class BrokerSendRate {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        long seconds = Long.parseLong(args[3]);
        byte[] body = new byte[1024]; // about a webhook's size
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url, args[1], args[2])) {
            for (int a = 4; a < args.length; a++) {
                int senders = Integer.parseInt(args[a]);
                AtomicLong sent = new AtomicLong();
                CountDownLatch done = new CountDownLatch(senders);
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                try (Connection c = cf.createConnection()) {
                    for (int i = 0; i < senders; i++) {
                        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        new Thread(() -> {
                            try (MessageProducer p = s.createProducer(s.createQueue("bench.send-rate"))) {
                                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                                while (System.nanoTime() < end) {
                                    var m = s.createBytesMessage();
                                    m.writeBytes(body);
                                    p.send(m);
                                    sent.incrementAndGet();
                                }
                            } catch (Exception e) {
                                e.printStackTrace();
                            } finally {
                                done.countDown();
                            }
                        }).start();
                    }
                    done.await();
                }
                System.out.printf("RESULT senders=%d durable_sends_per_s=%.0f%n", senders, sent.get() / (double) seconds);
            }
        }
    }
}
