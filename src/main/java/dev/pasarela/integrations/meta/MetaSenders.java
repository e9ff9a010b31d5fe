package dev.pasarela.integrations.meta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.messaging.OutboundMessage;
import dev.pasarela.messaging.OutboundSender;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The three Meta channels' senders: WhatsApp Cloud API ({@code POST /{phone-number-id}/messages})
 * and the Messenger / Instagram Send API ({@code POST /{page-or-ig-id}/messages}). Graph refusals
 * are classified by {@link GraphException}; a token Meta revoked stops further sends at once.
 */
@Configuration
public class MetaSenders {

    @Bean
    OutboundSender whatsappSender(GraphApi graph, MetaAccounts accounts) {
        return new Sender("whatsapp", graph, accounts);
    }

    @Bean
    OutboundSender messengerSender(GraphApi graph, MetaAccounts accounts) {
        return new Sender("messenger", graph, accounts);
    }

    @Bean
    OutboundSender instagramSender(GraphApi graph, MetaAccounts accounts) {
        return new Sender("instagram", graph, accounts);
    }

    static final class Sender implements OutboundSender {
        private final String channel;
        private final GraphApi graph;
        private final MetaAccounts accounts;

        Sender(String channel, GraphApi graph, MetaAccounts accounts) {
            this.channel = channel;
            this.graph = graph;
            this.accounts = accounts;
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public String senderKey(OutboundMessage m) {
            // unconfigured tenants share one key: their sends fail at once anyway
            try {
                return accounts.account(m.tenantId(), channel).senderId();
            } catch (PermanentException e) {
                return "unconfigured";
            }
        }

        @Override
        public boolean canSend(String tenantId) {
            try {
                accounts.account(tenantId, channel);
                return true;
            } catch (PermanentException e) {
                return false;
            }
        }

        @Override
        public String send(OutboundMessage m) {
            MetaAccounts.Account account = accounts.account(m.tenantId(), channel);
            accounts.checkNotRevoked(m.tenantId(), account);
            JsonNode answer;
            try {
                answer = graph.post("/" + account.senderId() + "/messages",
                        channel.equals("whatsapp") ? whatsapp(m) : messaging(m), account.token());
            } catch (GraphException e) {
                if (e.kind() == GraphException.Kind.TOKEN) {
                    accounts.markRevoked(m.tenantId(), account, e);
                }
                throw e.asDeliveryFailure();
            }
            String id = channel.equals("whatsapp") ? answer.path("messages").path(0).path("id").asText(null)
                    : answer.path("message_id").asText(null);
            if (id == null) {
                throw new PermanentException("Graph accepted message " + m.id() + " without returning its id");
            }
            return id;
        }

        /** {@code {"messaging_product":"whatsapp","to":"+…","type":…,…}}; our id rides along for the statuses. */
        @SuppressWarnings("unchecked")
        static Map<String, Object> whatsapp(OutboundMessage m) {
            Map<String, Object> r = m.request();
            String type = (String) r.get("type");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("messaging_product", "whatsapp");
            body.put("recipient_type", "individual");
            body.put("to", m.to());
            body.put("type", type);
            Map<String, Object> content = new LinkedHashMap<>((Map<String, Object>) r.get(type));
            switch (type) {
                case "text" -> {
                    Object preview = content.remove("previewUrl");
                    content.put("preview_url", Boolean.TRUE.equals(preview));
                }
                case "template" -> {
                    Object language = content.get("language");
                    content.put("language", Map.of("policy", "deterministic", "code", language));
                }
                default -> { }
            }
            body.put(type, content);
            if (r.get("replyTo") != null) {
                body.put("context", Map.of("message_id", r.get("replyTo")));
            }
            body.put("biz_opaque_callback_data", m.id());
            return body;
        }

        /** Messenger / Instagram: RESPONSE inside the 24 h window, MESSAGE_TAG with an allowed tag outside it. */
        @SuppressWarnings("unchecked")
        static Map<String, Object> messaging(OutboundMessage m) {
            Map<String, Object> r = m.request();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("recipient", Map.of("id", m.to()));
            if (r.get("tag") != null) {
                body.put("messaging_type", "MESSAGE_TAG");
                body.put("tag", r.get("tag"));
            } else {
                body.put("messaging_type", "RESPONSE");
            }
            if ("image".equals(r.get("type"))) {
                Map<String, Object> image = (Map<String, Object>) r.get("image");
                body.put("message", Map.of("attachment", Map.of("type", "image",
                        "payload", Map.of("url", image.get("link"), "is_reusable", true))));
            } else {
                body.put("message", Map.of("text", ((Map<String, Object>) r.get("text")).get("body")));
            }
            return body;
        }
    }
}
