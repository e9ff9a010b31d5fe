package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pasarela.api.limits.Metered;
import dev.pasarela.support.GatewayTest;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * A send endpoint spends the quota its channel names: the interceptor meters the endpoint's
 * {@code @Metered} quota and the outbox gives back the channel's, so the two must be one.
 */
@GatewayTest
class ChannelQuotasTest {

    static final Pattern SEND = Pattern.compile("/api/v1/([a-z]+)/messages");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    Channels channels;

    @Test
    void everySendEndpointMetersItsChannelsQuota() {
        int sendEndpoints = 0;
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            for (String path : e.getKey().getPatternValues()) {
                Matcher m = SEND.matcher(path);
                if (!m.matches() || !e.getKey().getMethodsCondition().getMethods().toString().contains("POST")) {
                    continue;
                }
                sendEndpoints++;
                Channel<?> channel = channels.require(m.group(1));
                Metered metered = e.getValue().getMethodAnnotation(Metered.class);
                assertThat(metered).as("@Metered on POST " + path).isNotNull();
                assertThat(metered.value()).as("quota of POST " + path).isEqualTo(channel.quota());
            }
        }
        assertThat(sendEndpoints).as("send endpoints found").isEqualTo(5);
    }
}
