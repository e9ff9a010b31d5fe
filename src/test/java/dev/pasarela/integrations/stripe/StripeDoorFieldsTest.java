package dev.pasarela.integrations.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pasarela.api.ProblemException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.pipeline.ingress.PrunedJsonReader;
import dev.pasarela.pipeline.ingress.WebhookInterpreter;
import dev.pasarela.support.BootObjectMapper;
import dev.pasarela.support.StripeFixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The door reads a Stripe event pruned to {@link StripeWebhookInterpreter#DOOR_POINTERS}; its answers
 * (key, type, routing, claimed tenant, or the 400 and its detail) must be those the whole event gives,
 * which is what the mapper later reads of it. Each body here is interpreted both ways and compared.
 */
class StripeDoorFieldsTest {

    private static final ObjectMapper JSON = BootObjectMapper.create();
    private static final PrunedJsonReader DOOR = PrunedJsonReader.of(JSON,
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
    void everyFixtureIsReadAsTheWholeEventReadsIt(String fixture) throws Exception {
        for (byte[] body : variants(StripeFixtures.bytes(fixture))) {
            JsonNode whole = JSON.readTree(body);
            JsonNode pruned = DOOR.read(body);
            for (String pointer : StripeWebhookInterpreter.DOOR_POINTERS) {
                assertThat(pruned.at(pointer)).as(fixture + " " + pointer).isEqualTo(whole.at(pointer));
            }
            assertThat(door(body)).as(fixture).isEqualTo(wholeEvent(body)).doesNotStartWith("problem");
        }
    }

    static Stream<String> oddBodies() {
        String object = "\"id\":\"sub_1\",\"object\":\"subscription\",\"customer\":\"cus_A\",\"metadata\":{\"tenant_id\":\"t1\"}";
        String invoice = "\"id\":\"in_1\",\"object\":\"invoice\",\"customer\":\"cus_A\","
                + "\"parent\":{\"subscription_details\":{\"metadata\":{\"tenant_id\":\"t-parent\"}}},"
                + "\"subscription_details\":{\"metadata\":{\"tenant_id\":\"t-old\"}}";
        List<String> bodies = new ArrayList<>();
        // a field on the way named twice, the later one holding none of the door's fields
        for (String later : new String[] {"null", "5", "\"x\"", "[]", "[{\"object\":{\"customer\":\"cus_B\"}}]", "{}",
                "{\"x\":1}", "{\"object\":null}", "{\"object\":{}}", "{\"object\":[]}", "{\"object\":{\"other\":1}}"}) {
            bodies.add(event(object, ",\"data\":" + later, ""));
            bodies.add(event(invoice, "", ",\"parent\":" + later));
            bodies.add(event(invoice, "", ",\"parent\":{\"subscription_details\":" + later + "}"));
            bodies.add(event(object, "", ",\"metadata\":" + later));
            bodies.add(event(object, "", ",\"customer\":" + later));
        }
        // the door's own fields named twice, or of odd kinds
        for (String extra : new String[] {",\"type\":\"invoice.payment_failed\"", ",\"id\":\"evt_2\"", ",\"id\":7",
                ",\"created\":1.7e9", ",\"created\":1700000000.5", ",\"created\":\"1700000000\"",
                ",\"created\":123456789012345678901234567890", ",\"created\":-1", ",\"created\":null",
                ",\"object\":\"event\"", ",\"object\":\"other\"", ",\"type\":null"}) {
            bodies.add(event(object, extra, ""));
        }
        for (String customer : new String[] {"{\"id\":\"cus_X\"}", "{\"id\":\"\"}", "{\"object\":\"customer\"}", "12",
                "null", "\"\"", "\" \"", "[\"cus_A\"]"}) {
            bodies.add(event("\"id\":\"sub_1\",\"object\":\"subscription\",\"customer\":" + customer, "", ""));
        }
        // what follows the event, or comes before it at the top
        String whole = event(object, "", "");
        for (String before : new String[] {"[]", "{}", "{\"x\":1}", "1 ", "\"s\" ", "null ", "[1,{\"id\":\"e\"}]"}) {
            bodies.add(before + whole);
        }
        bodies.add(whole + " trailing");
        bodies.add(whole + whole.replace("evt_1", "evt_2"));
        bodies.add("{} x");
        bodies.add("");
        bodies.add(" \n\t");
        bodies.add("\uFEFF");
        bodies.add("[" + whole + "]");
        // not JSON, in a part the door skips: cut anywhere, nested too deep, a control character, a bad escape
        for (int end = 0; end < whole.length(); end++) {
            bodies.add(whole.substring(0, end));
        }
        String deep = "[".repeat(1001) + "]".repeat(1001);
        bodies.add(event(object, ",\"previous_attributes\":" + deep, ""));
        bodies.add(event(object, "", ",\"note\":\"a\u0001b\""));
        bodies.add(event(object, "", ",\"note\":\"bad \\q escape\""));
        bodies.add(event(object, "", ",\"n\":" + "1".repeat(1001)));
        bodies.add(event(object, "", ",\"n\":01"));
        return bodies.stream();
    }

    @ParameterizedTest
    @MethodSource("oddBodies")
    void anOddBodyIsAnsweredAsTheWholeEventAnswersIt(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(door(bytes)).isEqualTo(wholeEvent(bytes)).doesNotStartWith("failure");
    }

    private static String event(String object, String afterData, String afterObject) {
        return "{\"id\":\"evt_1\",\"object\":\"event\",\"api_version\":\"2025-03-31.basil\",\"created\":1700000000,"
                + "\"data\":{\"object\":{" + object + afterObject + "},\"previous_attributes\":{}}" + afterData
                + ",\"livemode\":false,\"type\":\"customer.subscription.updated\"}";
    }

    /** What the door answers: the interpreter as the route calls it. */
    private String door(byte[] body) {
        return answer(() -> described(interpreter.interpret(body), body));
    }

    /** What the whole event answers: the same interpreter over the whole tree. */
    private String wholeEvent(byte[] body) {
        return answer(() -> described(interpreter.interpret(WebhookInterpreter.readJson(JSON, body), body), body));
    }

    private static List<String> described(List<InboundEvent> events, byte[] body) {
        return events.stream().map(e -> e.eventKey() + " " + e.type() + " " + e.processable() + " " + e.routingKeys()
                + " " + e.claimedTenantId() + " " + (e.payload() == body)).toList();
    }

    /** The interpretation, or the problem it answers, or any other failure (a 500) by its kind. */
    private static String answer(Supplier<List<String>> interpretation) {
        try {
            return interpretation.get().toString();
        } catch (ProblemException refused) {
            return "problem " + refused.status() + " " + refused.detail();
        } catch (RuntimeException failed) {
            return "failure " + failed.getClass().getName();
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
}
