package dev.pasarela.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Meta webhooks as Meta sends them: signed with the test app secret ({@code X-Hub-Signature-256}). */
public final class MetaFixtures {

    private MetaFixtures() {
    }

    /** {@code sha256=<hex>} of the body under {@link GatewayTest#META_APP_SECRET}. */
    public static String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(GatewayTest.META_APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One webhook of the entries of one-entry webhooks, as Meta batches them. */
    public static byte[] batch(byte[]... webhooks) {
        StringBuilder entries = new StringBuilder();
        for (byte[] webhook : webhooks) {
            String text = new String(webhook, StandardCharsets.UTF_8).trim();
            entries.append(entries.isEmpty() ? "" : ",").append(text, text.indexOf("\"entry\":[") + 9, text.length() - 2);
        }
        return ("{\"object\":\"whatsapp_business_account\",\"entry\":[" + entries + "]}").getBytes(StandardCharsets.UTF_8);
    }

    /** A WhatsApp Cloud API webhook with one text message from {@code waId} to the business number, sent now. */
    public static byte[] whatsAppText(String wabaId, String phoneNumberId, String waId, String wamid, String text) {
        return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + wabaId + "\",\"changes\":[{\"value\":{"
                + "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"34910000000\","
                + "\"phone_number_id\":\"" + phoneNumberId + "\"},\"contacts\":[{\"profile\":{\"name\":\"Lucía\"},\"wa_id\":\""
                + waId + "\"}],\"messages\":[{\"from\":\"" + waId + "\",\"id\":\"" + wamid
                + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\",\"type\":\"text\",\"text\":{\"body\":\""
                + text + "\"}}]},\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
    }
}
