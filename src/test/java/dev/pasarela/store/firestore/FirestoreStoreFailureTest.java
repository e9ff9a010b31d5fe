package dev.pasarela.store.firestore;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** Firestore's messages may name a document's path, and a conversation's path holds the contact's number. */
class FirestoreStoreFailureTest {

    static final String PATH = "projects/p/databases/(default)/documents/tenants/t1/conversations/whatsapp:+34600111222";

    @Test
    void aFailureIsSaidByItsStatusCodeAndClassOnly() {
        assertThat(FirestoreDocumentStore.failure(ApiExceptionFactory.createException("No document to update: " + PATH,
                null, GrpcStatusCode.of(Status.Code.NOT_FOUND), false)))
                .isEqualTo("NOT_FOUND (NotFoundException)");
        assertThat(FirestoreDocumentStore.failure(com.google.cloud.firestore.FirestoreException.forServerRejection(
                Status.ABORTED, "Transaction lock timeout on " + PATH)))
                .isEqualTo("ABORTED (FirestoreException)");
        assertThat(FirestoreDocumentStore.failure(new IllegalStateException("closed while writing " + PATH)))
                .isEqualTo("IllegalStateException");
    }
}
