package dev.pasarela.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.pipeline.errors.ErrorHandling;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.StripeFixtures;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ThrottleDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Keeps the codebase honest: route ids, error handling on every route, no secrets in endpoint URIs. */
@GatewayTest
class ConventionsTest {

    static final Pattern ROUTE_ID = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*){1,2}");
    static final Pattern SECRET_OPTION = Pattern.compile("(?i)(secret|token|password|apikey|api-key|authorization)=");

    @Autowired
    CamelContext camel;

    @Test
    void everyRouteHasAWellFormedIdAndAnErrorHandlingConfiguration() {
        assertThat(camel.getRoutes()).isNotEmpty();
        for (RouteDefinition r : ((ModelCamelContext) camel).getRouteDefinitions()) {
            assertThat(r.getRouteId()).as("route id").matches(ROUTE_ID);
            assertThat(r.getRouteConfigurationId()).as("route configuration of " + r.getRouteId())
                    .isIn(ErrorHandling.DELIVERY, ErrorHandling.INGRESS, ErrorHandling.DEAD_LETTER);
        }
    }

    @Test
    void providerRoutesAreNamedProviderDirectionStage() {
        for (Route r : camel.getRoutes()) {
            if (!r.getRouteId().startsWith("pasarela.")) {
                assertThat(r.getRouteId()).matches("[a-z-]+\\.(in|out|job)\\.[a-z-]+"); // job: work that outlives a request (docs/architecture.md)
            }
        }
        assertThat(camel.getRoute("stripe.in.receive")).isNotNull();
        assertThat(camel.getRoute("stripe.in.deliver")).isNotNull();
        for (String id : new String[] {"twilio.in.receive-status", "twilio.in.receive-inbound", "twilio.in.deliver",
                "sendgrid.in.receive", "sendgrid.in.deliver", "resend.in.receive", "resend.in.deliver"}) {
            assertThat(camel.getRoute(id)).as(id).isNotNull();
        }
    }

    @Test
    void everyThrottleStatesItsMode() {
        // none today: the per-tenant and per-sender shaping put a message back for its slot
        // (pipeline/throttle/SlotShaping) instead of holding a shared consumer; a throttle added
        // later must still say which of its two meanings it has
        for (RouteDefinition r : ((ModelCamelContext) camel).getRouteDefinitions()) {
            for (ThrottleDefinition t : ProcessorDefinitionHelper.filterTypeInOutputs(r.getOutputs(), ThrottleDefinition.class)) {
                assertThat(t.getMode()).as("throttle %s in %s", t.getId(), r.getRouteId()).isNotNull();
            }
        }
    }

    @Test
    void noEndpointUriCarriesASecret() {
        Set<String> secrets = Set.of(StripeFixtures.SECRET, StripeFixtures.OTHER_SECRET, GatewayTest.OPS_TOKEN,
                GatewayTest.TWILIO_AUTH_TOKEN, GatewayTest.RESEND_WEBHOOK_SECRET, GatewayTest.META_APP_SECRET);
        for (Endpoint e : camel.getEndpoints()) {
            String uri = e.getEndpointUri();
            assertThat(uri).doesNotContainPattern(SECRET_OPTION);
            secrets.forEach(s -> assertThat(uri).doesNotContain(s));
        }
    }
}
