package dev.pasarela.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole gateway on its embedded defaults, on a random port, with its own data directory,
 * short retry delays, the Stripe test secrets (two, as during a rotation), and the Twilio,
 * SendGrid and Resend test keys (Twilio behind a proxy at {@link #TWILIO_PUBLIC_BASE_URL}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@CamelSpringBootTest
@AutoConfigureObservability // metrics export on, as in production (Spring Boot tests turn it off)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "pasarela.data-dir=target/test-data/${random.uuid}",
        "pasarela.ops.token=" + GatewayTest.OPS_TOKEN,
        "pasarela.vault.master-keys=" + GatewayTest.MASTER_KEYS,
        "pasarela.stripe.webhook-secret=" + StripeFixtures.SECRET + "," + StripeFixtures.OTHER_SECRET,
        "pasarela.meta.app-secret=" + GatewayTest.META_APP_SECRET,
        "pasarela.meta.verify-token=" + GatewayTest.META_VERIFY_TOKEN,
        "pasarela.twilio.auth-token=" + GatewayTest.TWILIO_AUTH_TOKEN,
        "pasarela.twilio.public-base-url=" + GatewayTest.TWILIO_PUBLIC_BASE_URL,
        "pasarela.sendgrid.webhook-public-key=" + GatewayTest.SENDGRID_PUBLIC_KEY,
        "pasarela.resend.webhook-secret=" + GatewayTest.RESEND_WEBHOOK_SECRET,
        "pasarela.retry.initial-delay-ms=20",
        "pasarela.retry.max-delay-ms=200",
        "pasarela.retry.max-redeliveries=3",
        "pasarela.tenants.routing-cache-ttl=PT1S",
        "pasarela.ingress.max-body-bytes=" + GatewayTest.INGRESS_MAX_BODY_BYTES
})
public @interface GatewayTest {
    String OPS_TOKEN = "test-ops-token-0123456789abcdef0123456789";
    /** The webhooks' body limit in these tests: above the JMS client's large-message size (100 KiB). */
    int INGRESS_MAX_BODY_BYTES = 262_144;
    String META_APP_SECRET = "test-meta-app-secret-5f4dcc3b5aa765d6";
    String META_VERIFY_TOKEN = "test-meta-verify-token";
    String TWILIO_AUTH_TOKEN = "test-twilio-auth-token-9f86d081884c";
    String TWILIO_PUBLIC_BASE_URL = "https://pasarela.example.test";
    /** A test-only P-256 key pair: SendGrid signs with the private half, the gateway holds the public one. */
    String SENDGRID_PUBLIC_KEY = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEnJIdle6p7KyWyqVBgv/mFEDi54jFKH24YURO/Mle6l8vv0jUM/ppzF+VGdhul0HveRFb6EPmpRYlo3/7ZtymJQ==";
    String SENDGRID_PRIVATE_KEY = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYpoV15ui6h/uen4Jy7ymfCholxwY8fmm5Pe24vrsR0GhRANCAASckh2V7qnsrJbKpUGC/+YUQOLniMUofbhhRE78yV7qXy+/SNQz+mnMX5UZ2G6XQe95EVvoQ+alFiWjf/tm3KYl";
    String RESEND_WEBHOOK_SECRET = "whsec_bxjY/QpFSj3CjDB5gmlug7x7cv/f/vx+6Qruj1eZEao=";
    /** Test-only AES keys (32 bytes each): k2 encrypts, k1 still decrypts. */
    String MASTER_KEYS = "k2:dGVzdC1tYXN0ZXIta2V5LTItLTMyLWJ5dGVzLWxvbmc=,k1:dGVzdC1tYXN0ZXIta2V5LTEtLTMyLWJ5dGVzLWxvbmc=";
}
