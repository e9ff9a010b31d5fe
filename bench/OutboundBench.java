import com.sun.net.httpserver.HttpServer;
import com.sun.tools.attach.VirtualMachine;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Helpers of bench/outbound.sh (the load itself is wrk's):
 *
 * <pre>
 *   java bench/OutboundBench.java stand-in &lt;port&gt;                      Graph API stand-in, runs until killed
 *   java bench/OutboundBench.java window &lt;gateway-port&gt; &lt;app-secret&gt; [contacts]  signed inbound messages: open
 *       the 24 h window of the first {@code contacts} (default 1) contacts, {@link #contact(int)}
 *   java bench/OutboundBench.java route &lt;gateway-pid&gt; &lt;route-id&gt; stop|start   through the gateway's Camel JMX
 *   java bench/OutboundBench.java purge &lt;gateway-pid&gt; &lt;queue&gt;   empties a queue of the embedded broker through its
 *       JMX, printing how many messages it removed
 * </pre>
 *
 * The stand-in answers every {@code POST /{phone-number-id}/messages} with Meta's success body and
 * records the message's {@code biz_opaque_callback_data} (the gateway's message id): a second
 * arrival of the same id is a duplicate. {@code GET /_bench/stats} answers
 * {@code received=… distinct=… duplicates=… first_ms=… last_ms=… cpu_ms=…}; {@code POST /_bench/ids}
 * writes the ids received to the file named by the body.
 */
public class OutboundBench {

    static final String PHONE_ID = "106540352242922";
    static final String CONTACT = "5215500000000";
    static final Pattern OUR_ID = Pattern.compile("\"biz_opaque_callback_data\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "stand-in" -> standIn(Integer.parseInt(args[1]));
            case "window" -> {
                int contacts = args.length > 3 ? Integer.parseInt(args[3]) : 1;
                for (int i = 0; i < contacts; i++) {
                    openWindow(Integer.parseInt(args[1]), args[2], contact(i));
                }
            }
            case "route" -> route(args[1], args[2], args[3]);
            case "purge" -> System.out.println(purge(args[1], args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void standIn(int port) throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        AtomicLong received = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        AtomicLong last = new AtomicLong();
        AtomicInteger wamid = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long now = System.currentTimeMillis();
            byte[] answer;
            int status = 200;
            if (exchange.getRequestURI().getPath().equals("/_bench/stats")) {
                long cpu = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                        .getProcessCpuTime() / 1_000_000;
                answer = String.format("received=%d distinct=%d duplicates=%d first_ms=%d last_ms=%d cpu_ms=%d%n",
                        received.get(), ids.size(), duplicates.get(), first.get() == Long.MAX_VALUE ? 0 : first.get(),
                        last.get(), cpu).getBytes(StandardCharsets.UTF_8);
            } else if (exchange.getRequestURI().getPath().equals("/_bench/ids")) {
                Files.write(Path.of(body.trim()), ids);
                answer = "ok\n".getBytes(StandardCharsets.UTF_8);
            } else if (exchange.getRequestURI().getPath().equals("/_bench/reset")) {
                first.set(Long.MAX_VALUE); // the timing of the next phase; ids and counts stay
                answer = "ok\n".getBytes(StandardCharsets.UTF_8);
            } else {
                Matcher m = OUR_ID.matcher(body);
                if (!m.find()) {
                    status = 400;
                    answer = "{\"error\":{\"message\":\"no biz_opaque_callback_data\",\"code\":100}}"
                            .getBytes(StandardCharsets.UTF_8);
                } else {
                    received.incrementAndGet();
                    if (!ids.add(m.group(1))) {
                        duplicates.incrementAndGet();
                    }
                    first.accumulateAndGet(now, Math::min);
                    last.accumulateAndGet(now, Math::max);
                    answer = ("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+" + CONTACT
                            + "\",\"wa_id\":\"" + CONTACT + "\"}],\"messages\":[{\"id\":\"wamid.bench"
                            + wamid.incrementAndGet() + "\"}]}").getBytes(StandardCharsets.UTF_8);
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        System.out.println("stand-in listening on " + port);
    }

    /** Contact {@code i}'s WhatsApp id: {@link #CONTACT} for 0, then the numbers after it (bench/lib/outbound.lua's too). */
    static String contact(int i) {
        return CONTACT.substring(0, CONTACT.length() - 5) + String.format("%05d", i);
    }

    static void openWindow(int port, String appSecret, String contact) throws Exception {
        byte[] body = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"value\":{"
                + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"1\",\"phone_number_id\":\""
                + PHONE_ID + "\"},\"contacts\":[{\"profile\":{\"name\":\"Bench\"},\"wa_id\":\"" + contact + "\"}],"
                + "\"messages\":[{\"from\":\"" + contact + "\",\"id\":\"wamid.bench-in-" + System.nanoTime()
                + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\",\"type\":\"text\",\"text\":{\"body\":\"Hola\"}}]},"
                + "\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/meta"))
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
            throw new IllegalStateException("the window-opening webhook was answered " + status);
        }
    }

    /** Stops or starts a Camel route of the gateway through its local JMX agent (the bench's own process). */
    static void route(String pid, String routeId, String operation) throws Exception {
        invokeOne(pid, new ObjectName("org.apache.camel:type=routes,name=\"" + routeId + "\",*"), operation);
    }

    /** Removes every message of a queue of the gateway's embedded broker: the count removed. */
    static Object purge(String pid, String queue) throws Exception {
        return invokeOne(pid, new ObjectName("org.apache.activemq.artemis:component=addresses,subcomponent=queues,queue="
                + ObjectName.quote(queue) + ",*"), "removeAllMessages");
    }

    /** Invokes a no-argument operation of the one MBean the pattern names, through the gateway's local JMX agent. */
    private static Object invokeOne(String pid, ObjectName pattern, String operation) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(pid);
        String address = vm.startLocalManagementAgent();
        vm.detach();
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection mbeans = c.getMBeanServerConnection();
            Set<ObjectName> names = mbeans.queryNames(pattern, null);
            if (names.size() != 1) {
                throw new IllegalStateException(pattern + ": " + names.size() + " MBeans");
            }
            return mbeans.invoke(names.iterator().next(), operation, new Object[0], new String[0]);
        }
    }
}
