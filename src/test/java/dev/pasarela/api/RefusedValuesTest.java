package dev.pasarela.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The log's view of a refused value: its length and hash, whatever quotes or brackets it holds. */
class RefusedValuesTest {

    @Test
    void aQuotedOrBracketedValueIsReplacedByItsFingerprintEvenWhenItHoldsQuotes() {
        String firewall = "The request was rejected because the header: \"x-api-key \" has a value \"psk_se\"cret\" that is not allowed.";
        assertThat(RefusedValues.redact(firewall))
                .startsWith("The request was rejected because the header: <")
                .endsWith("> that is not allowed.")
                .doesNotContain("psk_se", "cret");
        String tomcat = "Invalid character found in the request target [/webhooks/se]cret\u00f0\u009f ] The valid characters are defined in RFC 3986";
        assertThat(RefusedValues.redact(tomcat)).doesNotContain("se]cret", "webhooks").contains("chars, sha256 ");
        assertThat(RefusedValues.redact("header line [unterminated secret")).doesNotContain("secret");
        assertThat(RefusedValues.fingerprint("abc")).isEqualTo("<3 chars, sha256 ba7816bf>");
    }
}
