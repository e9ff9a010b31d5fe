package dev.pasarela.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A path can hold a contact's number (a conversation is named by its channel and contact): the
 * refusal of an invalid one says what is wrong with it, never the path, since it may reach a log.
 */
class PathsTest {

    private static final String NUMBER = "34600111222";

    @Test
    void anInvalidPathIsRefusedWithoutBeingRepeated() {
        assertThatThrownBy(() -> Paths.documentSegments("tenants/t1/conversations/whatsapp-" + NUMBER + "/messages"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 segments")
                .hasMessageNotContaining(NUMBER);
        assertThatThrownBy(() -> Paths.collectionSegments("tenants/t1/conversations/whatsapp-" + NUMBER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 segments")
                .hasMessageNotContaining(NUMBER);
        assertThatThrownBy(() -> Paths.documentSegments("tenants//conversations/whatsapp-" + NUMBER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(NUMBER);
        assertThatThrownBy(() -> Paths.documentSegments("tenants/../conversations/whatsapp-" + NUMBER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(NUMBER);
    }
}
