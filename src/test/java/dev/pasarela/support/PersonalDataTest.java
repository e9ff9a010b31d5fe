package dev.pasarela.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The guard {@link Http} runs on the API's refusals finds what a caller sends, and only that. */
class PersonalDataTest {

    static final String SEND = "{\"to\":\"+34600111222\",\"type\":\"text\",\"text\":{\"body\":\"Su coche está listo\"},"
            + "\"replyTo\":\"ana.garcia@example.com\",\"channel\":\"whatsapp\",\"previewUrl\":false}";

    @Test
    void phoneNumbersAddressesAndTextsAreTheCallersPersonalData() {
        assertThat(PersonalData.in(SEND)).containsExactlyInAnyOrder("34600111222", "ana.garcia@example.com",
                "Su coche está listo");
        assertThat(PersonalData.in("{\"to\":\"+34600111222\",")).as("a malformed body: numbers and addresses")
                .containsExactly("34600111222");
        assertThat(PersonalData.in("")).isEmpty();
    }

    @Test
    void aRefusalRepeatingAnyOfItFailsOneNamingTheFieldsPasses() {
        Http.Response quoting = new Http.Response(422, "application/problem+json",
                "{\"detail\":\"WhatsApp needs a template for 34600111222 outside the window.\"}", null);
        assertThatThrownBy(() -> PersonalData.assertNotRepeated(SEND, "/api/v1/whatsapp/messages", quoting))
                .hasMessageContaining("repeats personal data");

        Http.Response naming = new Http.Response(400, "application/problem+json",
                "{\"detail\":\"to: must be a phone number in E.164 form; text.body: at most 4096 characters\"}", null);
        PersonalData.assertNotRepeated(SEND, "/api/v1/whatsapp/messages", naming);

        Http.Response withThePlus = new Http.Response(422, "application/problem+json",
                "{\"detail\":\"+34600111222 has opted out.\"}", null);
        assertThatThrownBy(() -> PersonalData.assertNotRepeated(SEND, "/api/v1/whatsapp/messages", withThePlus))
                .hasMessageContaining("repeats personal data");
        Http.Response anExample = new Http.Response(400, "application/problem+json",
                "{\"detail\":\"to must be an E.164 number, such as +5215512345678.\"}", null);
        PersonalData.assertNotRepeated("{\"to\":\"5512345678\"}", "/api/v1/whatsapp/messages", anExample);
        Http.Response aPageId = new Http.Response(422, "application/problem+json",
                "{\"detail\":\"The user lacks a task on page 1045254960402.\"}", null);
        PersonalData.assertNotRepeated("{\"pageId\":\"1045254960402\"}", "/api/v1/facebook/page", aPageId);
    }
}
