package dev.pasarela.integrations.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.twilio.security.RequestValidator;
import dev.pasarela.pipeline.ingress.RawRequest;
import dev.pasarela.pipeline.tenant.TenantResolver;
import dev.pasarela.pipeline.verify.SignatureVerificationException;
import dev.pasarela.pipeline.verify.SignatureVerificationException.Reason;
import dev.pasarela.security.CredentialVault;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * X-Twilio-Signature over Twilio's published example (twilio-java's RequestValidatorTest, the
 * example of Twilio's security guide), behind a proxy, with non-ASCII bodies and sub-account tokens.
 * Twilio's scheme has no timestamp, so there is no stale-timestamp case: dedupe covers replays.
 */
class TwilioSignatureVerifierTest {

    // Twilio's example: auth token 12345, the URL Twilio called, its params and their signature
    static final String TOKEN = "12345";
    static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    static final String SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    static final String BODY = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";

    final TenantResolver resolver = mock(TenantResolver.class);
    final CredentialVault vault = mock(CredentialVault.class);

    TwilioSignatureVerifier verifier(String tokens, String publicBase) {
        when(resolver.byRoutingKey(anyString())).thenReturn(Optional.empty());
        return new TwilioSignatureVerifier(tokens, publicBase, resolver, vault);
    }

    static RawRequest request(String url, String body, String signature) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        if (signature != null) {
            headers.put("x-twilio-signature", signature); // any case: headers are looked up case-insensitively
        }
        return new RawRequest(body.getBytes(StandardCharsets.UTF_8), headers, url);
    }

    static Reason refusal(TwilioSignatureVerifier v, RawRequest r) {
        try {
            v.verify(r);
            return null;
        } catch (SignatureVerificationException e) {
            return e.reason();
        }
    }

    @Test
    void twiliosPublishedExampleIsAcceptedWhenCalledDirectly() {
        assertThatCode(() -> verifier(TOKEN, "").verify(request(URL, BODY, SIGNATURE))).doesNotThrowAnyException();
    }

    @Test
    void behindAProxyTheConfiguredPublicUrlIsSignedNotTheInternalOne() {
        RawRequest internal = request("http://10.0.0.7:8080/myapp.php?foo=1&bar=2", BODY, SIGNATURE);
        assertThat(refusal(verifier(TOKEN, ""), internal)).isEqualTo(Reason.MISMATCH);
        assertThat(refusal(verifier(TOKEN, "https://mycompany.com/"), internal)).isNull();
    }

    @Test
    void ourSigningMatchesTheSdkAndThePublishedSignature() {
        Map<String, List<String>> params = TwilioForm.parse(BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(TwilioSignatureVerifier.sign(TOKEN, URL, params)).isEqualTo(SIGNATURE);
        assertThat(new RequestValidator(TOKEN).validate(URL, TwilioForm.single(params), SIGNATURE)).isTrue();
    }

    @Test
    void aTamperedBodyIsRefused() {
        String tampered = BODY.replace("Digits=1234", "Digits=1235");
        assertThat(refusal(verifier(TOKEN, ""), request(URL, tampered, SIGNATURE))).isEqualTo(Reason.MISMATCH);
        String extra = BODY + "&Body=hola";
        assertThat(refusal(verifier(TOKEN, ""), request(URL, extra, SIGNATURE))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void aWrongTokenOrNoTokenIsRefused() {
        assertThat(refusal(verifier("54321", ""), request(URL, BODY, SIGNATURE))).isEqualTo(Reason.MISMATCH);
        assertThat(refusal(verifier("", ""), request(URL, BODY, SIGNATURE))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void aMissingHeaderIsRefused() {
        assertThat(refusal(verifier(TOKEN, ""), request(URL, BODY, null))).isEqualTo(Reason.MISSING_HEADER);
        assertThat(refusal(verifier(TOKEN, ""), request(URL, BODY, " "))).isEqualTo(Reason.MISSING_HEADER);
    }

    @Test
    void duringARotationEitherPlatformTokenIsAccepted() {
        assertThat(refusal(verifier("new-token-abc, " + TOKEN, ""), request(URL, BODY, SIGNATURE))).isNull();
    }

    @Test
    void theSignatureIsOverTheDecodedUtf8ValuesOfTheExactBytes() {
        String body = "Body=%C2%BFLa+cita+sigue+en+pie%3F+%F0%9F%9A%97&From=%2B14155550199&MessageSid=SM1&To=%2B15557122661";
        Map<String, String> decoded = Map.of("Body", "¿La cita sigue en pie? 🚗", "From", "+14155550199",
                "MessageSid", "SM1", "To", "+15557122661");
        String sig = TwilioSignatureVerifier.sign(TOKEN, URL, TwilioForm.parse(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(TwilioForm.single(TwilioForm.parse(body.getBytes(StandardCharsets.UTF_8)))).isEqualTo(decoded);
        assertThat(new RequestValidator(TOKEN).validate(URL, decoded, sig)).as("the SDK agrees").isTrue();
        assertThat(refusal(verifier(TOKEN, ""), request(URL, body, sig))).isNull();
        String latin1 = body.replace("%C2%BF", "%BF"); // the same text, other bytes
        assertThat(refusal(verifier(TOKEN, ""), request(URL, latin1, sig))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void repeatedKeysAreSignedOncePerValueInOrderAndPortVariantsAccepted() {
        String body = "MediaUrl=https%3A%2F%2Fb&MediaUrl=https%3A%2F%2Fa&MessageSid=SM2";
        Map<String, List<String>> params = TwilioForm.parse(body.getBytes(StandardCharsets.UTF_8));
        String sig = TwilioSignatureVerifier.sign(TOKEN, "https://mycompany.com:443/hook", params);
        assertThat(sig).isEqualTo(TwilioSignatureVerifier.sign(TOKEN, "https://mycompany.com:443/hook",
                Map.of("MessageSid", List.of("SM2"), "MediaUrl", List.of("https://a", "https://b"))));
        assertThat(refusal(verifier(TOKEN, ""), request("https://mycompany.com/hook", body, sig))).isNull();
        assertThat(refusal(verifier(TOKEN, ""), request("https://mycompany.com/other", body, sig))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void aSubAccountIsCheckedWithItsTenantsTokenFromTheVault() {
        String subToken = "sub-account-token-77";
        String body = "AccountSid=AC0000000000000000000000000000sub&MessageSid=SM3&MessageStatus=sent&From=%2B15550001111";
        String sig = TwilioSignatureVerifier.sign(subToken, URL, TwilioForm.parse(body.getBytes(StandardCharsets.UTF_8)));
        TwilioSignatureVerifier v = verifier(TOKEN, "");
        assertThat(refusal(v, request(URL, body, sig))).as("unknown sub-account").isEqualTo(Reason.MISMATCH);
        when(resolver.byRoutingKey("twilio:AC0000000000000000000000000000sub")).thenReturn(Optional.of("autos-norte"));
        when(vault.credentials("autos-norte", "twilio")).thenReturn(Optional.of(Map.of("authToken", subToken)));
        assertThat(refusal(v, request(URL, body, sig))).isNull();
        assertThat(refusal(v, request(URL, body.replace("sent", "delivered"), sig))).isEqualTo(Reason.MISMATCH);
    }

    @Test
    void aMalformedPublicBaseUrlFailsAtStartNamingTheVariable() {
        assertThatThrownBy(() -> verifier(TOKEN, "gateway.example.com")).hasMessageContaining("PASARELA_TWILIO_PUBLIC_BASE_URL");
        assertThat(verifier(TOKEN, "https://gw.example.com/pasarela").publicUrl("http://127.0.0.1:8080/webhooks/twilio/status?x=1"))
                .isEqualTo("https://gw.example.com/pasarela/webhooks/twilio/status?x=1");
    }
}
