package dev.pasarela.integrations.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.Price;
import com.stripe.net.RequestOptions;
import com.stripe.param.PriceListParams;
import com.stripe.param.billingportal.SessionCreateParams;
import dev.pasarela.api.ProblemException;
import dev.pasarela.tenants.Tenant;
import dev.pasarela.tenants.PlanCatalog;
import dev.pasarela.api.RateLimitedException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The SaaS's own Stripe account, through stripe-java's {@link StripeClient} (its API base is a
 * property, so tests point it at a stand-in): Customer Portal sessions and subscription
 * Checkout Sessions for a tenant. Stripe's errors become problem+json; the key never appears.
 */
@Component
public class StripeBilling {

    public record Session(String id, String url) {}

    private static final Logger log = LoggerFactory.getLogger(StripeBilling.class);

    private final StripeClient stripe;
    private final PlanCatalog plans;
    private final String defaultReturnUrl;
    private final String successUrl;
    private final String cancelUrl;
    private final List<String> allowedReturnPrefixes;

    public StripeBilling(StripeProperties config, PlanCatalog plans) {
        this.stripe = config.secretKey().isBlank() ? null : StripeClient.builder().setApiKey(config.secretKey())
                .setApiBase(config.apiBase().toString().replaceAll("/+$", ""))
                .setMaxNetworkRetries(0).setConnectTimeout(5_000).setReadTimeout(20_000).build();
        if (stripe == null) {
            log.warn("STRIPE_SECRET_KEY is not set: the billing endpoints answer 503 until it is");
        }
        this.plans = plans;
        this.defaultReturnUrl = config.portalReturnUrl();
        this.successUrl = config.checkoutSuccessUrl();
        this.cancelUrl = config.checkoutCancelUrl();
        this.allowedReturnPrefixes = config.allowedReturnUrlPrefixes().stream().filter(p -> !p.isBlank()).toList();
    }

    public Session portal(Tenant tenant, String returnUrl, String idempotencyKey) {
        String customer = customerOf(tenant);
        String url = allowedUrl(returnUrl, defaultReturnUrl, "returnUrl");
        return call(() -> {
            var s = client().v1().billingPortal().sessions().create(SessionCreateParams.builder()
                    .setCustomer(customer).setReturnUrl(url).build(), options(tenant, "portal", idempotencyKey));
            return new Session(s.getId(), s.getUrl());
        });
    }

    public Session checkout(Tenant tenant, String plan, String success, String cancel, String idempotencyKey) {
        if (plan == null || !plans.exists(plan) || plans.plan(plan).prices().isEmpty()) {
            throw new ProblemException(400, "invalid-plan", "Invalid plan",
                    "Choose a plan that can be bought: one of " + plans.names().stream()
                            .filter(p -> !plans.plan(p).prices().isEmpty()).toList() + ".");
        }
        if (tenant.subscription() != null && java.util.Set.of("trialing", "active", "past_due")
                .contains(tenant.subscription().status())) {
            throw new ProblemException(409, "already-subscribed", "Already subscribed",
                    "The tenant already has a subscription; change its plan in the customer portal.");
        }
        String okUrl = allowedUrl(success, successUrl, "successUrl");
        String koUrl = allowedUrl(cancel, cancelUrl, "cancelUrl");
        String priceRef = plans.plan(plan).prices().get(0);
        return call(() -> {
            String priceId = priceRef.startsWith("price_") ? priceRef : priceByLookupKey(priceRef);
            com.stripe.param.checkout.SessionCreateParams.Builder p = com.stripe.param.checkout.SessionCreateParams.builder()
                    .setMode(com.stripe.param.checkout.SessionCreateParams.Mode.SUBSCRIPTION)
                    .addLineItem(com.stripe.param.checkout.SessionCreateParams.LineItem.builder()
                            .setPrice(priceId).setQuantity(1L).build())
                    .setSuccessUrl(okUrl).setCancelUrl(koUrl)
                    .setClientReferenceId(tenant.id())
                    .putMetadata("tenant_id", tenant.id())
                    .setSubscriptionData(com.stripe.param.checkout.SessionCreateParams.SubscriptionData.builder()
                            .putMetadata("tenant_id", tenant.id()).build());
            String customer = tenant.identities() == null ? null : tenant.identities().get("stripe");
            if (customer != null) {
                p.setCustomer(customer);
            }
            var s = client().v1().checkout().sessions().create(p.build(), options(tenant, "checkout", idempotencyKey));
            return new Session(s.getId(), s.getUrl());
        });
    }

    private String priceByLookupKey(String lookupKey) throws StripeException {
        List<Price> found = client().v1().prices().list(PriceListParams.builder().addLookupKey(lookupKey)
                .setActive(true).build()).getData();
        if (found.isEmpty()) {
            throw new ProblemException(502, "billing-misconfigured", "Billing misconfigured",
                    "No active Stripe price has the lookup key " + lookupKey + " named in plans.yml.");
        }
        return found.get(0).getId();
    }

    private StripeClient client() {
        if (stripe == null) {
            throw new ProblemException(503, "billing-not-configured", "Billing not configured",
                    "The gateway has no Stripe key (STRIPE_SECRET_KEY).");
        }
        return stripe;
    }

    /** Stripe's idempotency keys are global to the account: namespaced so tenants cannot collide. */
    private static RequestOptions options(Tenant tenant, String operation, String idempotencyKey) {
        RequestOptions.RequestOptionsBuilder b = RequestOptions.builder();
        if (idempotencyKey != null && !idempotencyKey.isBlank()) {
            b.setIdempotencyKey(tenant.id() + ":" + operation + ":" + idempotencyKey);
        }
        return b.build();
    }

    private static String customerOf(Tenant tenant) {
        String customer = tenant.identities() == null ? null : tenant.identities().get("stripe");
        if (customer == null) {
            throw new ProblemException(409, "no-billing-account", "No billing account",
                    "This tenant has no Stripe customer yet: subscribe through a checkout session first.");
        }
        return customer;
    }

    /**
     * Where Stripe may send the user back: the configured URL, or one on an allowed origin (same
     * scheme, host and port, no user info) under an allowed path, so it is never an open redirect.
     */
    private String allowedUrl(String given, String fallback, String field) {
        String url = given == null || given.isBlank() ? fallback : given;
        if (url == null || url.isBlank()) {
            throw new ProblemException(400, "invalid-url", "Missing URL", field + " is required.");
        }
        boolean allowed = url.equals(fallback) || allowedReturnPrefixes.stream().anyMatch(p -> sameOriginUnder(url, p));
        if (!allowed) {
            throw new ProblemException(400, "invalid-url", "URL not allowed",
                    field + " must be on an allowed origin (pasarela.stripe.allowed-return-url-prefixes).");
        }
        return url;
    }

    static boolean sameOriginUnder(String url, String prefix) {
        try {
            java.net.URI u = new java.net.URI(url);
            java.net.URI p = new java.net.URI(prefix);
            String path = u.getPath() == null ? "" : u.getPath();
            String base = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
            return u.getRawUserInfo() == null && u.getHost() != null
                    && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()) && "localhost".equals(u.getHost()))
                    && u.getScheme().equals(p.getScheme()) && u.getHost().equalsIgnoreCase(p.getHost())
                    && u.getPort() == p.getPort()
                    && (path.equals(base) || path.startsWith(base.endsWith("/") ? base : base + "/"));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    interface StripeCall<T> {
        T run() throws StripeException;
    }

    private static <T> T call(StripeCall<T> call) {
        try {
            return call.run();
        } catch (RateLimitException e) {
            throw new RateLimitedException("billing-rate-limited", "Billing provider busy",
                    "Stripe is rate limiting the gateway; retry shortly.", 2);
        } catch (AuthenticationException e) { // PermissionException (403) is one too
            log.error("Stripe refused the platform key: {} (request {})", e.getCode(), e.getRequestId());
            throw new ProblemException(502, "billing-misconfigured", "Billing misconfigured",
                    "The billing provider refused the gateway's credentials.");
        } catch (com.stripe.exception.IdempotencyException e) {
            throw new ProblemException(409, "idempotency-key-reused", "Idempotency key reused",
                    "This Idempotency-Key was already used with other parameters; use a new key.");
        } catch (InvalidRequestException e) {
            String code = e.getStripeError() == null ? null : e.getStripeError().getCode();
            log.warn("Stripe refused a billing request: {} on {} (request {})", code, e.getParam(), e.getRequestId());
            throw new ProblemException(422, "billing-rejected", "Billing request rejected",
                    "Stripe rejected the request" + (code == null ? "" : " (" + code + ")")
                            + (e.getParam() == null ? "" : " on " + e.getParam()) + ".");
        } catch (ApiConnectionException e) {
            throw new ProblemException(503, "billing-unavailable", "Billing unavailable",
                    "Stripe could not be reached; retry shortly.");
        } catch (StripeException e) {
            log.warn("Stripe error {} (status {}, request {})", e.getCode(), e.getStatusCode(), e.getRequestId());
            throw new ProblemException(503, "billing-unavailable", "Billing unavailable",
                    "Stripe answered with an error; retry shortly.");
        }
    }
}
