package dev.pasarela.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.firestore.FirestoreOptions;
import dev.pasarela.store.firestore.FirestoreDocumentStore;
import dev.pasarela.support.FirestoreEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same contract against the Firestore emulator installed on the machine. */
class FirestoreDocumentStoreTest extends DocumentStoreContract {

    static FirestoreEmulator emulator;
    static FirestoreDocumentStore store;

    @BeforeAll
    static void start() throws Exception {
        emulator = FirestoreEmulator.startOrSkip();
        store = new FirestoreDocumentStore(FirestoreOptions.newBuilder()
                .setProjectId("demo-pasarela")
                .setEmulatorHost(emulator.hostPort())
                .build().getService(), 60_000); // the emulator serialises contended transactions slowly
    }

    @AfterAll
    static void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Override
    protected DocumentStore store() {
        return store;
    }

    @Test
    void talksToTheEmulator() {
        assertThat(store.kind()).isEqualTo("firestore");
        store.ping();
    }
}
