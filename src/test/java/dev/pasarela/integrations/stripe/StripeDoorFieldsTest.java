package dev.pasarela.integrations.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.PrunedJsonReader;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.StripeFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The door reads a Stripe event pruned to {@link StripeWebhookInterpreter#DOOR_POINTERS}: every field
 * the interpreter reads must be there as the whole event has it, or the door would route, dedupe or
 * refuse an event differently from what the mapper later reads of it.
 */
class StripeDoorFieldsTest {

    private static final ObjectMapper JSON = BootObjectMapper.create();
    private static final PrunedJsonReader DOOR = PrunedJsonReader.of(
            StripeWebhookInterpreter.DOOR_POINTERS.toArray(String[]::new));
    private final StripeWebhookInterpreter interpreter = new StripeWebhookInterpreter(JSON);

    @ParameterizedTest
    @ValueSource(strings = {
            "checkout.session.completed.json",
            "customer.subscription.created.2024-06-20.json",
            "customer.subscription.deleted.basil.json",
            "customer.subscription.updated.2017-06-05.json",
            "customer.subscription.updated.basil.json",
            "customer.subscription.updated.stripe-mock-2022-11-15.json",
            "invoice.payment_failed.basil.json",
            "invoice.payment_succeeded.2024-06-20.json",
            "invoice.payment_succeeded.stripe-mock-2022-11-15.json"})
    void everyFieldTheDoorReadsIsThereAsInTheWholeEvent(String fixture) throws Exception {
        for (byte[] body : variants(StripeFixtures.bytes(fixture))) {
            JsonNode whole = JSON.readTree(body);
            JsonNode pruned = DOOR.read(JSON, body);
            for (String pointer : StripeWebhookInterpreter.DOOR_POINTERS) {
                assertThat(pruned.at(pointer)).as(fixture + " " + pointer).isEqualTo(whole.at(pointer));
                for (String way = parent(pointer); !way.isEmpty(); way = parent(way)) {
                    assertThat(pruned.at(way).isObject()).as(fixture + " " + way).isEqualTo(whole.at(way).isObject());
                }
            }
            // and what the interpreter makes of it: the key, type and routing the fields give
            InboundEvent event = interpreter.interpret(body).get(0);
            assertThat(event.eventKey()).isEqualTo("stripe:" + whole.path("id").asText());
            assertThat(event.type()).isEqualTo(whole.path("type").asText());
            JsonNode object = whole.path("data").path("object");
            String customer = StripeJson.idOf(object.path("customer"));
            assertThat(event.routingKeys()).isEqualTo(customer == null ? List.of() : List.of("stripe:" + customer));
            assertThat(event.claimedTenantId()).isEqualTo(StripeJson.text(StripeJson.metadataOf(object).path("tenant_id")));
            assertThat(event.payload()).isSameAs(body);
        }
    }

    /** The event as sent, and with its customer expanded and its tenant in the metadata the door reads. */
    private static List<byte[]> variants(byte[] body) throws Exception {
        List<byte[]> out = new ArrayList<>(List.of(body));
        ObjectNode event = (ObjectNode) JSON.readTree(body);
        JsonNode object = event.path("data").path("object");
        if (object instanceof ObjectNode o && o.path("customer").isTextual()) {
            ObjectNode expanded = JSON.createObjectNode().put("id", o.path("customer").asText()).put("object", "customer");
            expanded.putObject("metadata").put("tenant_id", "ignored-by-the-door");
            o.set("customer", expanded);
            o.putObject("metadata").put("tenant_id", "t-from-metadata");
            if (o.path("parent").isObject()) {
                ((ObjectNode) o.path("parent")).putObject("subscription_details").putObject("metadata").put("tenant_id", "t-parent");
            }
            out.add(JSON.writeValueAsBytes(event));
        }
        return out;
    }

    private static String parent(String pointer) {
        return pointer.substring(0, pointer.lastIndexOf('/'));
    }
}
