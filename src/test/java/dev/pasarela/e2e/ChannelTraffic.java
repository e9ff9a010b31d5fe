package dev.pasarela.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pasarela.integrations.twilio.TwilioSigning;
import dev.pasarela.support.GatewayProcess;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.support.MetaFixtures;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The non-Stripe half of the kill-under-load run, for one tenant on every channel: signed WhatsApp
 * messages (Meta) and Twilio SMS and status webhooks in, WhatsApp template and SMS sends out
 * (with an Idempotency-Key) to a WireMock stand-in of the Cloud API and Twilio, and the tenant's
 * callback on the same stand-in. It remembers what the gateway acknowledged, then counts what
 * the gateway holds and what the stand-in received. Texts and numbers never reach the output.
 */
final class ChannelTraffic {

    static final String TENANT = "e2e-canales";
    static final String WHATSAPP_NUMBER_ID = "109876543210001";
    static final String TWILIO_NUMBER = "+15550001111";
    static final String WA_CONTACT = "34611000001";
    static final String SMS_CONTACT = "+14155550199";
    static final String TWILIO_SID = "AC00000000000000000000000000000000";

    enum Kind {
        META_INBOUND("meta-inbound"), TWILIO_INBOUND("twilio-inbound"), TWILIO_STATUS("twilio-status"),
        WHATSAPP_OUT("whatsapp-out"), SMS_OUT("sms-out");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** What one kind of traffic did: tried, acknowledged (2xx), and the id of each acknowledged item. */
    static final class Tally {
        final AtomicInteger sent = new AtomicInteger();
        /** inbound: the provider's message id; outbound: our message id → its recipient; status: our message id */
        final Map<String, String> acked = new ConcurrentHashMap<>();
    }

    final WireMockServer standIn = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .usingFilesUnderDirectory("config/offline"));
    final Map<Kind, Tally> tallies = new LinkedHashMap<>();
    /** SMS index → our message id, for the status webhook of that SMS */
    final Map<Integer, String> smsIds = new ConcurrentHashMap<>();
    /** outbound ids the gateway showed as submitted (checked once each) */
    final Set<String> submitted = ConcurrentHashMap.newKeySet();
    private final Http http;
    private String apiKey;

    ChannelTraffic(Http http) {
        this.http = http;
        for (Kind k : Kind.values()) {
            tallies.put(k, new Tally());
        }
    }

    void startStandIn() {
        standIn.start();
        // Twilio's sid derived from the recipient, so the test can post that message's status webhook
        standIn.stubFor(post(urlPathMatching("/2010-04-01/Accounts/AC[0-9a-f]+/Messages.json")).atPriority(1)
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withTransformers("response-template")
                        .withBody("{\"sid\":\"SM000000000000000000000{{regexExtract request.body '34700[0-9]{6}'}}\","
                                + "\"status\":\"queued\",\"error_code\":null,\"error_message\":null}")));
        standIn.stubFor(post(urlPathEqualTo("/cb")).willReturn(ok()));
    }

    void stopStandIn() {
        standIn.stop();
    }

    /** The gateway's environment for the stand-in: made-up platform credentials only it ever sees. */
    Map<String, String> env() {
        return Map.of("META_APP_SECRET", GatewayTest.META_APP_SECRET,
                "META_GRAPH_BASE_URL", standIn.baseUrl(),
                "WHATSAPP_ACCESS_TOKEN", "e2e-whatsapp-token",
                "WHATSAPP_PHONE_NUMBER_ID", "106540352242922",
                "WHATSAPP_BUSINESS_ACCOUNT_ID", "102290129340398",
                "TWILIO_API_BASE", standIn.baseUrl(),
                "TWILIO_ACCOUNT_SID", TWILIO_SID,
                "TWILIO_AUTH_TOKEN", GatewayTest.TWILIO_AUTH_TOKEN,
                "PASARELA_TWILIO_PUBLIC_BASE_URL", GatewayTest.TWILIO_PUBLIC_BASE_URL);
    }

    /** The tenant's entry in the tenants file. */
    String tenantYaml() {
        return "  - id: " + TENANT + "\n    name: Concesionario canales\n    plan: enterprise\n"
                + "    callbackUrl: " + standIn.baseUrl() + "/cb\n"
                + "    identities:\n      whatsapp: \"" + WHATSAPP_NUMBER_ID + "\"\n      twilio: \"" + TWILIO_NUMBER + "\"\n";
    }

    /** A service key of the tenant, once the gateway runs (kept in the store across restarts). */
    void createApiKey() {
        Http.Response r = http.ops("POST", "/ops/tenants/" + TENANT + "/api-keys", "{\"name\":\"e2e\"}",
                GatewayProcess.OPS);
        if (r.status() != 201 && r.status() != 200) {
            throw new IllegalStateException("api key: " + r.status() + " " + r.body());
        }
        apiKey = r.json().path("key").asText();
    }

    /** One item of each kind, number {@code i}; an exception when the gateway is gone. */
    void sendAll(int i) {
        metaInbound(i);
        twilioInbound(i);
        whatsAppOut(i);
        smsOutAndStatus(i);
    }

    static String wamid(int i) {
        return "wamid.E2E" + String.format("%06d", i);
    }

    static String inboundSid(int i) {
        return "SM" + "e2e0000000000000000000000" + String.format("%07d", i);
    }

    static String waRecipient(int i) {
        return "+34600" + String.format("%06d", i);
    }

    static String smsRecipient(int i) {
        return "+34700" + String.format("%06d", i);
    }

    static String outboundSid(int i) {
        return "SM000000000000000000000" + smsRecipient(i).substring(1);
    }

    void metaInbound(int i) {
        byte[] body = MetaFixtures.whatsAppText("102290129340398", WHATSAPP_NUMBER_ID, WA_CONTACT, wamid(i),
                "Hola, mensaje " + i);
        Tally t = tallies.get(Kind.META_INBOUND);
        t.sent.incrementAndGet();
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/meta"))
                .header("Content-Type", "application/json").header("X-Hub-Signature-256", MetaFixtures.sign(body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        if (r.status() == 200) {
            t.acked.put(wamid(i), "");
        }
    }

    void twilioInbound(int i) {
        String form = "SmsMessageSid=" + inboundSid(i) + "&NumMedia=0&SmsSid=" + inboundSid(i) + "&SmsStatus=received"
                + "&Body=" + enc("Hola, SMS " + i) + "&To=" + enc(TWILIO_NUMBER) + "&NumSegments=1&MessageSid="
                + inboundSid(i) + "&AccountSid=" + TWILIO_SID + "&From=" + enc(SMS_CONTACT) + "&ApiVersion=2010-04-01";
        if (twilio("/webhooks/twilio/inbound", form, Kind.TWILIO_INBOUND)) {
            tallies.get(Kind.TWILIO_INBOUND).acked.put(inboundSid(i), "");
        }
    }

    void whatsAppOut(int i) {
        String json = "{\"to\":\"" + waRecipient(i) + "\",\"type\":\"template\","
                + "\"template\":{\"name\":\"hello_world\",\"language\":\"en_US\"}}";
        send("/api/v1/whatsapp/messages", json, "e2e-wa-" + i, Kind.WHATSAPP_OUT, waRecipient(i));
    }

    void smsOutAndStatus(int i) {
        String json = "{\"to\":\"" + smsRecipient(i) + "\",\"body\":\"Su coche está listo " + i + "\"}";
        String id = send("/api/v1/sms/messages", json, "e2e-sms-" + i, Kind.SMS_OUT, smsRecipient(i));
        if (id == null) {
            return;
        }
        smsIds.put(i, id);
        // Twilio's delivery report of that SMS; it may arrive before the gateway has even sent it
        String form = "SmsSid=" + outboundSid(i) + "&SmsStatus=delivered&MessageStatus=delivered&To="
                + enc(smsRecipient(i)) + "&MessageSid=" + outboundSid(i) + "&AccountSid=" + TWILIO_SID + "&From="
                + enc(TWILIO_NUMBER) + "&ApiVersion=2010-04-01";
        if (twilio("/webhooks/twilio/status", form, Kind.TWILIO_STATUS)) {
            tallies.get(Kind.TWILIO_STATUS).acked.put(id, "");
        }
    }

    private boolean twilio(String path, String form, Kind kind) {
        byte[] bytes = form.getBytes(StandardCharsets.UTF_8);
        tallies.get(kind).sent.incrementAndGet();
        String signature = TwilioSigning.sign(GatewayTest.TWILIO_AUTH_TOKEN, GatewayTest.TWILIO_PUBLIC_BASE_URL + path, bytes);
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))).status() == 200;
    }

    /** Our message id when the gateway accepted the send (202), else null. */
    private String send(String path, String json, String key, Kind kind, String recipient) {
        Tally t = tallies.get(kind);
        t.sent.incrementAndGet();
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Content-Type", "application/json").header("X-Api-Key", apiKey).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
        if (r.status() != 202) {
            return null;
        }
        String id = r.json().path("id").asText();
        t.acked.put(id, recipient);
        return id;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- what the gateway and the stand-in hold ----

    /** Per kind, acknowledged items not (yet) seen applied or submitted; empty when everything arrived. */
    Map<Kind, Integer> missing() {
        Map<Kind, Integer> out = new LinkedHashMap<>();
        Map<Kind, Map<String, Integer>> seen = applied();
        for (Kind k : Kind.values()) {
            int n = (int) tallies.get(k).acked.keySet().stream().filter(id -> seen.get(k).getOrDefault(id, 0) == 0).count();
            if (n > 0) {
                out.put(k, n);
            }
        }
        return out;
    }

    /**
     * Per kind, how many times each acknowledged item took effect: an inbound message in its
     * conversation (stored once by construction: counted as rows), a status entry in our
     * message's history, an outbound message as requests the stand-in received, once the gateway
     * shows it submitted.
     */
    Map<Kind, Map<String, Integer>> applied() {
        Map<Kind, Map<String, Integer>> out = new LinkedHashMap<>();
        out.put(Kind.META_INBOUND, inboundRows("whatsapp", WA_CONTACT));
        out.put(Kind.TWILIO_INBOUND, inboundRows("sms", SMS_CONTACT));
        Map<String, Integer> statuses = new HashMap<>();
        for (String id : tallies.get(Kind.TWILIO_STATUS).acked.keySet()) {
            JsonNode m = message(id);
            int delivered = 0;
            if (m != null) {
                for (JsonNode h : m.path("statusHistory")) {
                    delivered += "delivered".equals(h.path("status").asText()) ? 1 : 0;
                }
            }
            statuses.put(id, delivered);
        }
        out.put(Kind.TWILIO_STATUS, statuses);
        out.put(Kind.WHATSAPP_OUT, outbound(Kind.WHATSAPP_OUT, "/v[0-9.]+/[0-9]+/messages"));
        out.put(Kind.SMS_OUT, outbound(Kind.SMS_OUT, "/2010-04-01/Accounts/AC[0-9a-f]+/Messages.json"));
        return out;
    }

    private Map<String, Integer> outbound(Kind kind, String path) {
        Map<String, Integer> byRecipient = new HashMap<>();
        Pattern digits = Pattern.compile("34[67]00[0-9]{6}");
        for (LoggedRequest r : standIn.findAll(postRequestedFor(urlPathMatching(path)))) {
            Matcher m = digits.matcher(r.getBodyAsString());
            if (m.find()) {
                byRecipient.merge(m.group(), 1, Integer::sum);
            }
        }
        Map<String, Integer> out = new HashMap<>();
        tallies.get(kind).acked.forEach((id, recipient) -> {
            int requests = byRecipient.getOrDefault(recipient.substring(1), 0);
            if (requests > 0 && !submitted.contains(id)) {
                JsonNode m = message(id);
                boolean sent = m != null && m.path("statusHistory").findValuesAsText("status").contains("submitted");
                if (sent) {
                    submitted.add(id);
                }
            }
            out.put(id, submitted.contains(id) ? requests : 0);
        });
        return out;
    }

    /** Inbound message id → rows in the contact's conversation (all pages). */
    private Map<String, Integer> inboundRows(String channel, String contact) {
        Map<String, Integer> rows = new HashMap<>();
        Http.Response list = api("/api/v1/conversations?channel=" + channel + "&contact=" + enc(contact));
        if (list == null || list.json().path("conversations").isEmpty()) {
            return rows;
        }
        String conversation = list.json().path("conversations").get(0).path("id").asText();
        String token = null;
        do {
            Http.Response page = api("/api/v1/conversations/" + enc(conversation) + "/messages?limit=100"
                    + (token == null ? "" : "&pageToken=" + enc(token)));
            if (page == null) {
                return rows;
            }
            for (JsonNode m : page.json().path("messages")) {
                if ("inbound".equals(m.path("direction").asText())) {
                    rows.merge(m.path("id").asText(), 1, Integer::sum);
                }
            }
            token = page.json().path("nextPageToken").asText(null);
        } while (token != null);
        return rows;
    }

    private JsonNode message(String id) {
        Http.Response r = api("/api/v1/messages/" + id);
        return r == null ? null : r.json();
    }

    /** A GET of the tenant API; null when it did not answer 200 (a 429 while polling: asked again later). */
    private Http.Response api(String pathAndQuery) {
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + pathAndQuery))
                .header("X-Api-Key", apiKey).GET());
        return r.status() == 200 ? r : null;
    }

    /**
     * Inbound message ids whose callbacks did not all carry one {@code X-Pasarela-Event-Id}: a tenant
     * could not drop the second copy of those. Empty when every duplicate is recognisable.
     */
    List<String> callbacksWithoutOneEventId(Kind kind) {
        List<LoggedRequest> posts = standIn.findAll(postRequestedFor(urlPathEqualTo("/cb")));
        List<String> out = new ArrayList<>();
        for (String id : tallies.get(kind).acked.keySet()) {
            java.util.Set<String> eventIds = new java.util.HashSet<>();
            posts.stream().filter(r -> r.getBodyAsString().contains("\"" + id + "\""))
                    .forEach(r -> eventIds.add(String.valueOf(r.getHeader("X-Pasarela-Event-Id"))));
            if (eventIds.size() > 1 || eventIds.contains("null")) {
                out.add(id);
            }
        }
        return out;
    }

    /** Callbacks the stand-in received per inbound message id: more than one is a duplicate the tenant must drop. */
    Map<String, Integer> callbacks(Kind kind) {
        Map<String, Integer> out = new HashMap<>();
        List<String> bodies = new ArrayList<>();
        standIn.findAll(postRequestedFor(urlPathEqualTo("/cb"))).forEach(r -> bodies.add(r.getBodyAsString()));
        for (String id : tallies.get(kind).acked.keySet()) {
            Function<String, Boolean> mentions = b -> b.contains("\"" + id + "\"");
            out.put(id, (int) bodies.stream().filter(mentions::apply).count());
        }
        return out;
    }
}
