package dev.pasarela.integrations.stripe;

import dev.pasarela.api.ProblemException;
import java.nio.charset.StandardCharsets;

import dev.pasarela.support.BootObjectMapper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.pipeline.errors.PermanentException;
import dev.pasarela.pipeline.ingress.InboundEvent;
import dev.pasarela.tenants.PlanCatalog;
import dev.pasarela.pipeline.transform.PaymentRecorded;
import dev.pasarela.pipeline.transform.QueuedEvent;
import dev.pasarela.pipeline.transform.SubscriptionChanged;
import dev.pasarela.pipeline.transform.SubscriptionStatus;
import dev.pasarela.support.StripeFixtures;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;

/** Both payload shapes (before and after API 2025-03-31.basil) map to the same canonical events. */
class StripeEventMapperTest {

    final PlanCatalog plans = new PlanCatalog(new DefaultResourceLoader(), "file:config/plans.yml");
    final StripeEventMapper mapper = new StripeEventMapper(BootObjectMapper.create(), plans);
    final StripeWebhookInterpreter interpreter = new StripeWebhookInterpreter(BootObjectMapper.create());

    QueuedEvent queued(byte[] body) {
        InboundEvent e = interpreter.interpret(body).get(0);
        return new QueuedEvent("stripe", "t1", e.eventKey(), e.type(), body);
    }

    @Test
    void basilSubscriptionReadsThePeriodFromItsItems() {
        byte[] body = StripeFixtures.bytes("customer.subscription.updated.basil.json");
        InboundEvent in = interpreter.interpret(body).get(0);
        assertThat(in.eventKey()).isEqualTo("stripe:evt_1RyZqHLkdIwHu7ixd5xA2yQp");
        assertThat(in.routingKeys()).containsExactly("stripe:cus_NffrFeUfNV2Hib");
        assertThat(in.claimedTenantId()).isEqualTo("autos-garcia");
        assertThat(in.processable()).isTrue();

        SubscriptionChanged s = (SubscriptionChanged) mapper.map(queued(body)).get(0);
        assertThat(s.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(s.plan()).isEqualTo("pro");
        assertThat(s.priceId()).isEqualTo("price_1RyZoQLkdIwHu7ixPro00001");
        assertThat(s.currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(1758278400));
        assertThat(s.occurredAt()).isEqualTo(Instant.ofEpochSecond(1756200000));
        assertThat(s.externalSubscriptionId()).isEqualTo("sub_1RyZp9LkdIwHu7ixkU2oN3xb");
        assertThat(s.cancelAtPeriodEnd()).isFalse();
    }

    @Test
    void olderSubscriptionReadsThePeriodFromTheSubscription() {
        SubscriptionChanged s = (SubscriptionChanged) mapper.map(queued(
                StripeFixtures.bytes("customer.subscription.created.2024-06-20.json"))).get(0);
        assertThat(s.status()).isEqualTo(SubscriptionStatus.TRIALING);
        assertThat(s.plan()).isEqualTo("basic");
        assertThat(s.currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(1726828400));
        assertThat(s.externalCustomerId()).isEqualTo("cus_QhNEWdealership");
    }

    @Test
    void theLegacyApiFixtureWithPlansInsteadOfPricesMaps() {
        StripeEventMapper legacy = new StripeEventMapper(BootObjectMapper.create(),
                new PlanCatalog(new DefaultResourceLoader(), "classpath:stripe/plans-with-legacy-plan.yml"));
        SubscriptionChanged s = (SubscriptionChanged) legacy.map(queued(
                StripeFixtures.bytes("customer.subscription.updated.2017-06-05.json"))).get(0);
        assertThat(s.priceId()).isEqualTo("pl_123");
        assertThat(s.plan()).isEqualTo("basic");
        assertThat(s.currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(1502930356));
        assertThat(s.externalCustomerId()).isEqualTo("cus_123");
    }

    @Test
    void stripesOwnApiFixturesMap() {
        StripeEventMapper sdkPlans = new StripeEventMapper(BootObjectMapper.create(),
                new PlanCatalog(new DefaultResourceLoader(), "classpath:stripe/plans-with-legacy-plan.yml"));
        SubscriptionChanged s = (SubscriptionChanged) sdkPlans.map(queued(
                StripeFixtures.bytes("customer.subscription.updated.stripe-mock-2022-11-15.json"))).get(0);
        assertThat(s.externalSubscriptionId()).isEqualTo("sub_1MoqxHLgUG5tbmjcG8lOfx2N");
        assertThat(s.externalCustomerId()).isEqualTo("cus_NZbFQAsc0ptasX");
        assertThat(s.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(s.plan()).isEqualTo("basic");
        assertThat(s.phase()).isEqualTo(SubscriptionChanged.CHANGED);
        assertThat(s.currentPeriodEnd()).isEqualTo(Instant.ofEpochSecond(1234567890));

        PaymentRecorded p = (PaymentRecorded) sdkPlans.map(queued(
                StripeFixtures.bytes("invoice.payment_succeeded.stripe-mock-2022-11-15.json"))).get(0);
        assertThat(p.invoiceId()).isEqualTo("in_1MoqxGLgUG5tbmjcJeILGSau");
        assertThat(p.externalSubscriptionId()).isNull(); // a one-off invoice: no subscription to update
    }

    @Test
    void invoicesOfBothShapesNameTheirSubscription() {
        PaymentRecorded failed = (PaymentRecorded) mapper.map(queued(
                StripeFixtures.bytes("invoice.payment_failed.basil.json"))).get(0);
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.externalSubscriptionId()).isEqualTo("sub_1RyZp9LkdIwHu7ixkU2oN3xb");
        assertThat(failed.amount()).isEqualTo(9900L);
        assertThat(failed.attemptCount()).isEqualTo(2L);

        byte[] paidBody = StripeFixtures.bytes("invoice.payment_succeeded.2024-06-20.json");
        assertThat(interpreter.interpret(paidBody).get(0).claimedTenantId()).isEqualTo("motores-del-sur");
        PaymentRecorded paid = (PaymentRecorded) mapper.map(queued(paidBody)).get(0);
        assertThat(paid.succeeded()).isTrue();
        assertThat(paid.externalSubscriptionId()).isEqualTo("sub_1PqK7aLkdIwHu7ixMdS00001");
        assertThat(paid.currency()).isEqualTo("mxn");
    }

    @Test
    void aSubscriptionWhoseLineOnlyHasTheBasilParentIsStillFound() {
        StripeFixtures.Event e = StripeFixtures.event("invoice.payment_failed.basil.json");
        e.object().remove("parent");
        PaymentRecorded p = (PaymentRecorded) mapper.map(queued(e.bytes())).get(0);
        assertThat(p.externalSubscriptionId()).isEqualTo("sub_1RyZp9LkdIwHu7ixkU2oN3xb");
    }

    @Test
    void otherEventTypesAreAcknowledgedButNotProcessed() {
        assertThat(interpreter.interpret(StripeFixtures.bytes("checkout.session.completed.json")).get(0).processable())
                .isFalse();
    }

    @Test
    void anUnmappedPriceOnALiveSubscriptionIsPermanent() {
        byte[] body = StripeFixtures.event("customer.subscription.updated.basil.json")
                .lookupKey("unknown_lookup").bytes();
        assertThatThrownBy(() -> mapper.map(queued(body)))
                .isInstanceOf(PermanentException.class).hasMessageContaining("plans.yml");
    }

    // --- values that verify but cannot be represented (issue 13) -----------------------------------

    static byte[] withCreated(String created) {
        return new String(StripeFixtures.bytes("customer.subscription.updated.basil.json"), StandardCharsets.UTF_8)
                .replace("\"created\": 1756200000", "\"created\": " + created).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCreatedThatIsNoTimestampInRangeIsRefusedAtTheDoorAndPermanentInTheMapper() {
        for (String created : new String[] {"1e999999", "9223372036854775807", "-9223372036854775808", "1.5", "\"1756200000\""}) {
            byte[] body = withCreated(created);
            assertThatThrownBy(() -> interpreter.interpret(body)).as(created)
                    .isInstanceOfSatisfying(ProblemException.class, p -> {
                        assertThat(p.status()).isEqualTo(400);
                        assertThat(p.detail()).contains("created");
                    });
            // a message queued before the door checked it (a replay) fails once, not on every retry
            QueuedEvent queued = new QueuedEvent("stripe", "t1", "stripe:evt_x", "customer.subscription.updated", body);
            assertThatThrownBy(() -> mapper.map(queued)).as(created)
                    .isInstanceOf(PermanentException.class).hasMessageContaining("created");
        }
    }

    @Test
    void aPeriodEndOutOfRangeIsPermanentNotAbsent() {
        StripeFixtures.Event e = StripeFixtures.event("customer.subscription.updated.basil.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) e.object().path("items").path("data").path(0))
                .put("current_period_end", Long.MAX_VALUE);
        assertThatThrownBy(() -> mapper.map(queued(e.bytes())))
                .isInstanceOf(PermanentException.class).hasMessageContaining("current_period_end");
    }

    @Test
    void idsOverTheDocumentedLimitAreRefusedAtTheDoorNamingTheFieldNotTheValue() {
        String longId = "evt_" + "A".repeat(596); // 600 characters
        assertThatThrownBy(() -> interpreter.interpret(StripeFixtures.event("customer.subscription.updated.basil.json")
                .id(longId).bytes())).isInstanceOfSatisfying(ProblemException.class, p -> {
                    assertThat(p.status()).isEqualTo(400);
                    assertThat(p.detail()).contains("Stripe event id", "600", "255").doesNotContain("AAAA");
                });
        assertThatThrownBy(() -> interpreter.interpret(StripeFixtures.event("customer.subscription.updated.basil.json")
                .customer("cus_" + "B".repeat(2_996)).bytes()))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.detail()).contains("customer id", "3000"));
        StripeFixtures.Event longSubscription = StripeFixtures.event("customer.subscription.updated.basil.json");
        longSubscription.object().put("id", "sub_" + "C".repeat(2_996));
        assertThatThrownBy(() -> interpreter.interpret(longSubscription.bytes()))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.detail()).contains("data.object.id", "3000"));
        assertThatThrownBy(() -> interpreter.interpret(StripeFixtures.event("customer.subscription.updated.basil.json")
                .id("evt_\u00e9t\u00e9").bytes()))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.detail()).contains("printable ASCII"));
        // at the limit it passes
        String atLimit = "evt_" + "D".repeat(251);
        assertThat(interpreter.interpret(StripeFixtures.event("customer.subscription.updated.basil.json").id(atLimit)
                .bytes()).get(0).eventKey()).isEqualTo("stripe:" + atLimit);
    }
}
