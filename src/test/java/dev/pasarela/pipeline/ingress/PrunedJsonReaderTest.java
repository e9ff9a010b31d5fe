package dev.pasarela.pipeline.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pasarela.api.ProblemException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrunedJsonReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrunedJsonReader READER = PrunedJsonReader.of(JSON, "/id", "/type", "/data/object/id",
            "/data/object/metadata", "/data/object/parent/details/metadata");

    private static JsonNode read(String body) {
        return READER.read(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsTheNamedFieldsWholeAndTheObjectsOnTheirWayAndNothingElse() {
        JsonNode pruned = read("""
                {"id":"evt_1","object":"event","created":1,"livemode":false,
                 "data":{"previous":{"id":"x"},"object":{"id":"sub_1","items":{"data":[{"id":"si_1"}]},
                   "metadata":{"tenant_id":"t1","nested":{"a":[1,2]}},"parent":{"details":{"metadata":{"k":"v"}},"other":3}}},
                 "type":"customer.subscription.updated"}""");

        assertThat(pruned.toString()).isEqualTo("{\"id\":\"evt_1\",\"data\":{\"object\":{\"id\":\"sub_1\","
                + "\"metadata\":{\"tenant_id\":\"t1\",\"nested\":{\"a\":[1,2]}},\"parent\":{\"details\":{\"metadata\":{\"k\":\"v\"}}}}},"
                + "\"type\":\"customer.subscription.updated\"}");
    }

    @Test
    void aNamedFieldOfAnyKindIsKeptAsTheWholeTreeHasIt() {
        String body = """
                {"id":{"nested":true},"type":null,"data":{"object":{"id":12.5e3,"metadata":[1,{"a":"b"}]}}}""";
        JsonNode whole = readWhole(body);
        JsonNode pruned = read(body);
        for (String pointer : new String[] {"/id", "/type", "/data/object/id", "/data/object/metadata"}) {
            assertThat(pruned.at(pointer)).as(pointer).isEqualTo(whole.at(pointer));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"first\",\"data\":{\"object\":{\"id\":\"a\"}},\"id\":\"second\",\"data\":{\"object\":{\"metadata\":{}}}}",
            "{\"data\":{\"object\":{\"id\":\"a\",\"metadata\":{\"t\":1}}},\"data\":null}",
            "{\"data\":{\"object\":{\"id\":\"a\"}},\"data\":5}",
            "{\"data\":{\"object\":{\"id\":\"a\"}},\"data\":[{\"object\":{\"id\":\"b\"}}]}",
            "{\"data\":{\"object\":{\"id\":\"a\"}},\"data\":{}}",
            "{\"data\":{\"object\":{\"id\":\"a\"}},\"data\":{\"other\":{\"id\":\"b\"}}}",
            "{\"data\":{\"object\":{\"id\":\"a\"},\"object\":{\"x\":1}}}",
            "{\"data\":{\"object\":{\"parent\":{\"details\":{\"metadata\":{\"k\":1}}},\"parent\":{\"details\":null}}}}",
            "{\"type\":\"a\",\"type\":[1]}"})
    void aFieldNamedTwiceIsItsLastValueAsInTheWholeTree(String body) {
        assertSameAtEveryPointer(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]{\"id\":\"e\"}", "{}{\"id\":\"e\"}", "{\"x\":1}{\"id\":\"e\"}", "1 {\"id\":\"e\"}",
            "null {\"id\":\"e\"}", "\"s\" {\"id\":\"e\"}", "{\"id\":\"e\"} {\"id\":\"f\"}", "{\"id\":\"e\"} trailing"})
    void onlyTheFirstValueAtTheTopIsReadAsByTheWholeRead(String body) {
        assertSameAtEveryPointer(body);
    }

    private static void assertSameAtEveryPointer(String body) {
        JsonNode whole = readWhole(body);
        JsonNode pruned = read(body);
        for (String pointer : new String[] {"/id", "/type", "/data", "/data/object", "/data/object/id", "/data/object/metadata",
                "/data/object/parent", "/data/object/parent/details", "/data/object/parent/details/metadata"}) {
            JsonNode expected = whole.at(pointer);
            JsonNode actual = pruned.at(pointer);
            if (pointer.equals("/id") || pointer.equals("/type") || pointer.endsWith("/metadata") || pointer.equals("/data/object/id")) {
                assertThat(actual).as(pointer).isEqualTo(expected); // a named field: the whole tree's value
            } else { // a field on the way: of the same kind
                assertThat(actual.getNodeType()).as(pointer).isEqualTo(expected.getNodeType());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"e\",\"data\":5}",
            "{\"id\":\"e\",\"data\":[{\"object\":{\"id\":\"x\"}}]}",
            "{\"id\":\"e\",\"data\":{\"object\":\"sub_1\"}}",
            "{\"id\":\"e\",\"data\":null}",
            "{\"id\":\"e\"}"})
    void whereAFieldOnTheWayIsNoObjectWhatIsUnderItIsMissingAsInTheWholeTree(String body) {
        JsonNode whole = readWhole(body);
        JsonNode pruned = read(body);
        assertThat(pruned.path("data").path("object").path("id").isMissingNode()).isTrue();
        assertThat(whole.path("data").path("object").path("id").isMissingNode()).isTrue();
        assertThat(pruned.path("id")).isEqualTo(whole.path("id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"e\",\"skipped\":{\"a\":[1,2,}}",     // a fault in a part no node is made of
            "{\"id\":\"e\",\"skipped\":\"unterminated}",
            "{\"id\":\"e\",\"skipped\":01}",
            "{\"id\":\"e\",\"skipped\":\"bad \\q escape\"}",
            "{\"id\":\"e\",\"skipped\":tru}",
            "{\"id\":\"e\",\"skipped\":{\"a\":1}",            // ends inside the object
            "{\"id\":\"e\" \"type\":\"t\"}",
            "not json"})
    void aBodyThatIsNotJsonAnywhereIsTheInvalidPayloadProblem(String body) {
        assertThatThrownBy(() -> JSON.readTree(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(java.io.IOException.class); // the whole read refuses it too, as readJson's 400
        assertThatThrownBy(() -> read(body))
                .isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(400);
                    assertThat(p.detail()).isEqualTo("The body is not valid JSON.");
                });
    }

    @Test
    void anEmptyBodyIsNullAndATopLevelScalarOrArrayHoldsNothing() {
        assertThat(read("")).isNull();
        assertThat(read("   ")).isNull();
        for (String body : new String[] {"42", "\"text\"", "null", "[{\"id\":\"e\"}]"}) {
            JsonNode pruned = read(body);
            assertThat(pruned == null || pruned.path("id").isMissingNode()).as(body).isTrue();
        }
    }

    @Test
    void aMapperFailingOnTrailingTokensRefusesThemAndNothingElse() {
        ObjectMapper strict = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        byte[] event = "{\"id\":\"e\",\"type\":\"t\",\"data\":{\"object\":{\"id\":\"x\",\"metadata\":{\"a\":1}}}}"
                .getBytes(StandardCharsets.UTF_8);
        PrunedJsonReader strictReader = PrunedJsonReader.of(strict, "/id", "/type", "/data/object/id", "/data/object/metadata");
        assertThat(strictReader.read(event).at("/data/object/metadata/a").asInt()).isEqualTo(1);
        byte[] twice = "{\"id\":\"e\"} {\"id\":\"f\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> strict.readTree(twice)).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> strictReader.read(twice)).isInstanceOfSatisfying(ProblemException.class,
                p -> assertThat(p.status()).isEqualTo(400));
    }

    @Test
    void onlyPointersToFieldsAreTaken() {
        assertThatThrownBy(() -> PrunedJsonReader.of(JSON, "id")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrunedJsonReader.of(JSON, "/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrunedJsonReader.of(JSON, "/a~1b")).isInstanceOf(IllegalArgumentException.class); // names are plain
        assertThatThrownBy(() -> PrunedJsonReader.of(JSON, "/a//b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFieldKeptWholeStaysWholeWhenAPointerAlsoNamesSomethingUnderIt() {
        PrunedJsonReader reader = PrunedJsonReader.of(JSON, "/data", "/data/object/id");
        JsonNode pruned = reader.read("{\"data\":{\"a\":1,\"object\":{\"id\":\"x\",\"b\":2}}}".getBytes(StandardCharsets.UTF_8));
        assertThat(pruned.toString()).isEqualTo("{\"data\":{\"a\":1,\"object\":{\"id\":\"x\",\"b\":2}}}");
        PrunedJsonReader other = PrunedJsonReader.of(JSON, "/data/object/id", "/data");
        assertThat(other.read("{\"data\":{\"a\":1,\"object\":{\"id\":\"x\",\"b\":2}}}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(pruned);
    }

    private static JsonNode readWhole(String body) {
        try {
            return JSON.readTree(body.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
