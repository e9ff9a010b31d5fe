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
 * short retry delays, and the Stripe test secrets (two, as during a rotation).
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
        "pasarela.retry.initial-delay-ms=20",
        "pasarela.retry.max-delay-ms=200",
        "pasarela.retry.max-redeliveries=3",
        "pasarela.tenants.routing-cache-ttl=PT1S",
        "pasarela.ingress.max-body-bytes=65536"
})
public @interface GatewayTest {
    String OPS_TOKEN = "test-ops-token-0123456789abcdef0123456789";
    String META_APP_SECRET = "test-meta-app-secret-5f4dcc3b5aa765d6";
    String META_VERIFY_TOKEN = "test-meta-verify-token";
    /** Test-only AES keys (32 bytes each): k2 encrypts, k1 still decrypts. */
    String MASTER_KEYS = "k2:dGVzdC1tYXN0ZXIta2V5LTItLTMyLWJ5dGVzLWxvbmc=,k1:dGVzdC1tYXN0ZXIta2V5LTEtLTMyLWJ5dGVzLWxvbmc=";
}
