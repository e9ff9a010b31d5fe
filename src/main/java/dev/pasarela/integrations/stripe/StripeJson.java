package dev.pasarela.integrations.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Readers for fields whose place depends on the endpoint's API version (see providers.md §1.4):
 * from 2025-03-31 (basil) the period lives on subscription items and an invoice's subscription
 * under {@code parent.subscription_details}; older versions keep them at the top level.
 */
final class StripeJson {
    private StripeJson() {}

    /** An id field that is a string, or an expanded object with an id. */
    static String idOf(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        return node.isObject() ? text(node.path("id")) : null;
    }

    static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    static Long number(JsonNode node) {
        return node.isNumber() ? node.asLong() : null;
    }

    /** Subscription metadata: on the subscription, or the snapshot an invoice keeps of it. */
    static JsonNode metadataOf(JsonNode object) {
        if (object.path("object").asText().equals("invoice")) {
            JsonNode basil = object.path("parent").path("subscription_details").path("metadata");
            return basil.isObject() ? basil : object.path("subscription_details").path("metadata");
        }
        JsonNode m = object.path("metadata");
        return m.isObject() ? m : MissingNode.getInstance();
    }

    static String subscriptionIdOf(JsonNode invoice) {
        String id = idOf(invoice.path("parent").path("subscription_details").path("subscription"));
        if (id == null) {
            id = idOf(invoice.path("subscription"));
        }
        if (id == null) {
            for (JsonNode line : invoice.path("lines").path("data")) {
                id = idOf(line.path("parent").path("subscription_item_details").path("subscription"));
                if (id == null) {
                    id = idOf(line.path("subscription"));
                }
                if (id != null) {
                    break;
                }
            }
        }
        return id;
    }

    /** The latest period end over the items (basil), else the subscription's own field. */
    static Long currentPeriodEnd(JsonNode subscription) {
        Long latest = null;
        for (JsonNode item : subscription.path("items").path("data")) {
            Long end = number(item.path("current_period_end"));
            if (end != null && (latest == null || end > latest)) {
                latest = end;
            }
        }
        return latest != null ? latest : number(subscription.path("current_period_end"));
    }
}
