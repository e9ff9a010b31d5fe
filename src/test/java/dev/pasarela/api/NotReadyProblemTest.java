package dev.pasarela.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * A path nothing serves is a 404 once the gateway is ready; while it starts (the container takes
 * requests before Camel has started the webhook routes) or stops, a 503 with Retry-After: a provider
 * told 404 for its webhook would take the endpoint for gone.
 */
class NotReadyProblemTest {

    @SuppressWarnings("unchecked")
    ResponseEntity<Object> notFoundWhile(ReadinessState readiness) {
        ApplicationAvailability availability = mock(ApplicationAvailability.class);
        when(availability.getReadinessState()).thenReturn(readiness);
        ObjectProvider<ApplicationAvailability> provider = mock(ObjectProvider.class);
        when(provider.getIfAvailable()).thenReturn(availability);
        return new ProblemHandler(provider).handleNoResourceFoundException(
                new NoResourceFoundException(HttpMethod.POST, "webhooks/stripe"), new HttpHeaders(),
                HttpStatus.NOT_FOUND, new ServletWebRequest(new MockHttpServletRequest("POST", "/webhooks/stripe")));
    }

    @Test
    void aPathNothingServesWhileTheGatewayStartsIsA503ToSendAgain() {
        ResponseEntity<Object> answer = notFoundWhile(ReadinessState.REFUSING_TRAFFIC);
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(((ProblemDetail) answer.getBody()).getType().toString()).endsWith("/temporarily-unavailable");
    }

    @Test
    void aPathNothingServesOnceReadyIsA404() {
        ResponseEntity<Object> answer = notFoundWhile(ReadinessState.ACCEPTING_TRAFFIC);
        assertThat(answer.getStatusCode().value()).isEqualTo(404);
        assertThat(((ProblemDetail) answer.getBody()).getType().toString()).endsWith("/not-found");
    }
}
