package dev.pasarela.messaging;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.PasarelaApplication;
import dev.pasarela.support.GatewayTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** An outbound route for a channel no bean implements stops the start, naming the channel. */
class OutboundRoutesStartupTest {

    @TempDir
    Path dir;

    @Test
    void refusesARouteWhoseChannelHasNoBean() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(PasarelaApplication.class).run(
                "--server.port=0", "--pasarela.data-dir=" + dir,
                "--pasarela.stripe.webhook-secret=whsec_test_startup",
                "--pasarela.ops.token=startup-test-token-0123456789abcdef01",
                "--pasarela.vault.master-keys=" + GatewayTest.MASTER_KEYS,
                "--camel.main.routes-include-pattern=classpath:camel/*.camel.yaml,"
                        + "classpath:camel-test/unknown-channel.camel.yaml").close())
                .hasStackTraceContaining("Route template outbound-delivery for channel 'fax' has no Channel bean");
    }
}
