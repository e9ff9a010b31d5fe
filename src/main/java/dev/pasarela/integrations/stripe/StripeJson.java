package dev.pasarela.integrations.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.transform.EventTimes;
import java.time.Instant;
import java.util.Optional;

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

    /** A whole number that fits a long; null for anything else (1e999999 is not Long.MAX_VALUE). */
    static Long number(JsonNode node) {
        return node.isNumber() && node.canConvertToExactIntegral() && node.canConvertToLong() ? node.asLong() : null;
    }

    /** A Unix timestamp in seconds within what the stores hold; empty when absent, not a whole number or out of range. */
    static Optional<Instant> epochSeconds(JsonNode node) {
        Long seconds = number(node);
        return seconds == null ? Optional.empty() : EventTimes.fromSeconds(seconds);
    }

    /** {@link #epochSeconds}, or a permanent failure naming the field when it is present but not a timestamp. */
    static Instant epochSeconds(JsonNode node, String field) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        return epochSeconds(node).orElseThrow(() -> new PermanentException(
                field + " is not Unix seconds between " + EventTimes.MIN + " and " + EventTimes.MAX));
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

    /**
     * The latest period end over the items (basil), else the subscription's own field; a value
     * present but not a timestamp in range is a permanent failure, not an absent period.
     */
    static Instant currentPeriodEnd(JsonNode subscription) {
        Instant latest = null;
        for (JsonNode item : subscription.path("items").path("data")) {
            Instant end = epochSeconds(item.path("current_period_end"), "Stripe subscription item current_period_end");
            if (end != null && (latest == null || end.isAfter(latest))) {
                latest = end;
            }
        }
        return latest != null ? latest
                : epochSeconds(subscription.path("current_period_end"), "Stripe subscription current_period_end");
    }
}
