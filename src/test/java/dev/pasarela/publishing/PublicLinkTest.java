package dev.pasarela.publishing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pasarela.api.ProblemException;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PublicLinkTest {

    @Test
    void aRelativeLinkIsRefusedForMetaAndNeverShownInTheProblem() {
        PublicLink relative = new PublicLink(URI.create("/files/download/secret-token"), Instant.EPOCH);
        assertThat(relative.reachableFromOutside()).isFalse();
        assertThatThrownBy(relative::requireReachableFromOutside).isInstanceOfSatisfying(ProblemException.class, p -> {
            assertThat(p.status()).isEqualTo(503);
            assertThat(p.type()).isEqualTo("storage-not-public");
            assertThat(p.detail()).contains("PASARELA_PUBLIC_BASE_URL").doesNotContain("secret-token");
        });
        assertThat(relative.toString()).doesNotContain("secret-token");
    }

    @Test
    void anAbsoluteLinkPasses() {
        PublicLink link = new PublicLink(URI.create("https://gw.example/files/download/t"), Instant.EPOCH);
        assertThat(link.requireReachableFromOutside()).isSameAs(link);
    }
}
