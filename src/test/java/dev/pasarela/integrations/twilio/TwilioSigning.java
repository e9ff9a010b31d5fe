package dev.pasarela.integrations.twilio;

/** Signs a form-encoded body as Twilio does, for tests outside this package. */
public final class TwilioSigning {
    private TwilioSigning() {}

    public static String sign(String authToken, String url, byte[] formBody) {
        return TwilioSignatureVerifier.sign(authToken, url, TwilioForm.parse(formBody));
    }
}
