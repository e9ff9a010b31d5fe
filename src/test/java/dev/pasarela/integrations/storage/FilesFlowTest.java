package dev.pasarela.integrations.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code /api/v1/files}: upload, list, a signed download, delete, other tenants kept out, the storage quota. */
@GatewayTest
class FilesFlowTest {

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    DocumentStore store;

    Http http;
    String tenantA;
    String keyA;
    String keyB;

    @BeforeEach
    void tenants() {
        http = new Http(port);
        tenantA = tenant("files-a-");
        keyA = apiKeys.create(tenantA, "crm").key();
        keyB = apiKeys.create(tenant("files-b-"), "crm").key();
    }

    String tenant(String prefix) {
        String id = prefix + UUID.randomUUID().toString().substring(0, 8);
        tenants.upsert(id, new TenantProfile("Autos " + id, "enterprise", "Europe/Madrid", Map.of()));
        return id;
    }

    Http.Response upload(String key, String path, String fileName, String contentType, byte[] bytes) {
        String boundary = "----pasarela" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(bytes);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/files/" + path)).header("X-Api-Key", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    Http.Response call(String key, String method, String path) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path)).header("X-Api-Key", key)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void unJpegSeSubeSeListaSeDescargaConSuEnlaceYSeBorra() throws Exception {
        byte[] jpeg = TestFiles.jpeg(32, 24);
        Http.Response up = upload(keyA, "vehicles/v123?name=frontal", "IMG_0001.JPG", "image/jpeg", jpeg);
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        assertThat(up.json().path("path").asText()).isEqualTo("vehicles/v123/frontal.jpg");
        assertThat(up.json().path("width").asInt()).isEqualTo(32);
        assertThat(up.json().path("height").asInt()).isEqualTo(24);
        assertThat(upload(keyA, "vehicles/v123?name=frontal", "x.jpg", "image/jpeg", jpeg).status())
                .as("name taken").isEqualTo(409);

        JsonNode listed = call(keyA, "GET", "/api/v1/files?prefix=vehicles/v123").json().path("files");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("name").asText()).isEqualTo("frontal.jpg");
        assertThat(listed.get(0).path("size").asLong()).isEqualTo(jpeg.length);
        assertThat(listed.get(0).path("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(listed.get(0).path("createdAt").asText()).isNotBlank();

        JsonNode url = call(keyA, "GET", "/api/v1/files/vehicles/v123/frontal.jpg/url").json();
        assertThat(url.path("expiresAt").asText()).isNotBlank();
        assertThat(url.path("url").asText()).as("a link that works as given").startsWith(http.base() + "/files/download/");
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url.path("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(download.body()).isEqualTo(jpeg);
        String tampered = url.path("url").asText().replace("/download/", "/download/x");
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(tampered)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

        JsonNode usage = call(keyA, "GET", "/api/v1/usage").json().path("channels").path("storage-bytes");
        assertThat(usage.path("used").asLong()).isEqualTo(jpeg.length);
        assertThat(usage.path("limit").asLong()).isEqualTo(107374182400L);

        assertThat(call(keyA, "DELETE", "/api/v1/files/vehicles/v123/frontal.jpg").status()).isEqualTo(204);
        assertThat(call(keyA, "GET", "/api/v1/files?prefix=vehicles").json().path("files")).isEmpty();
        assertThat(call(keyA, "GET", "/api/v1/usage").json().path("channels").path("storage-bytes").path("used").asLong())
                .isZero();
    }

    @Test
    void otroTenantNoVeNiDescargaNiBorraLosArchivosDeA() {
        assertThat(upload(keyA, "sales/s-7?name=contrato", "contrato.pdf", "application/pdf", TestFiles.pdf()).status())
                .isEqualTo(201);

        assertThat(call(keyB, "GET", "/api/v1/files").json().path("files")).isEmpty();
        assertThat(call(keyB, "GET", "/api/v1/files?prefix=sales/s-7").json().path("files")).isEmpty();
        assertThat(call(keyB, "GET", "/api/v1/files/sales/s-7/contrato.pdf/url").status()).isEqualTo(404);
        assertThat(call(keyB, "DELETE", "/api/v1/files/sales/s-7/contrato.pdf").status()).isEqualTo(404);
        Http.Response crafted = call(keyB, "GET", "/api/v1/files/sales/s-7/..contrato.pdf/url");
        assertThat(crafted.status()).isEqualTo(400);
        assertThat(crafted.contentType()).startsWith("application/problem+json");
        assertThat(call(keyB, "GET", "/api/v1/files?prefix=sales/..").status()).isEqualTo(400);

        assertThat(call(keyA, "GET", "/api/v1/files?prefix=sales").json().path("files")).hasSize(1);
    }

    @Test
    void losArchivosMalosSeRechazanConUnProblemaClaro() {
        Http.Response pdfAsJpeg = upload(keyA, "vehicles/v1", "foto.jpg", "image/jpeg", TestFiles.pdf());
        assertThat(pdfAsJpeg.status()).isEqualTo(415);
        assertThat(pdfAsJpeg.contentType()).startsWith("application/problem+json");
        assertThat(pdfAsJpeg.json().path("detail").asText()).contains("application/pdf");

        Http.Response empty = upload(keyA, "vehicles/v1", "foto.jpg", "image/jpeg", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().path("type").asText()).endsWith("/empty-file");

        byte[] big = new byte[10 * 1024 * 1024 + 1];
        System.arraycopy(TestFiles.jpeg(2, 2), 0, big, 0, 3);
        Http.Response tooBig = upload(keyA, "vehicles/v1", "foto.jpg", "image/jpeg", big);
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.contentType()).startsWith("application/problem+json");

        Http.Response overMultipart = upload(keyA, "sales/s1", "c.pdf", "application/pdf", new byte[20 * 1024 * 1024 + 1]);
        assertThat(overMultipart.status()).isEqualTo(413);
        assertThat(overMultipart.contentType()).startsWith("application/problem+json");

        assertThat(call(keyA, "GET", "/api/v1/files").json().path("files")).isEmpty();
    }

    @Test
    void unCuerpoQueNoEsMultipartEsUn400NoUn500() {
        Http.Response json = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/files/vehicles/v1"))
                .header("X-Api-Key", keyA).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"file\":\"foto.jpg\"}")));
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.contentType()).startsWith("application/problem+json");

        Http.Response cut = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/files/vehicles/v1"))
                .header("X-Api-Key", keyA).header("Content-Type", "multipart/form-data; boundary=----cortado")
                .POST(HttpRequest.BodyPublishers.ofString("------cortado\r\nContent-Disposition: form-data; name=\"file\"")));
        assertThat(cut.status()).isEqualTo(400);
        assertThat(cut.contentType()).startsWith("application/problem+json");
    }

    @Test
    void unaSubidaQuePasaLaCuotaDeBytesSeRechaza() {
        store.set("tenants/" + tenantA + "/usage/storage", Map.of("bytes", 107374182400L - 10));
        Http.Response refused = upload(keyA, "branding/_?name=logo", "logo.png", "image/png", TestFiles.png(40, 40));
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("type").asText()).endsWith("/quota-exhausted/storage-bytes");
        assertThat(call(keyA, "GET", "/api/v1/files?prefix=branding").json().path("files")).isEmpty();
        assertThat(call(keyA, "GET", "/api/v1/usage").json().path("channels").path("storage-bytes").path("used").asLong())
                .isEqualTo(107374182400L - 10);
    }

    /** Only multipart uploads to /api/v1/files skip the API's 1 MB body buffer. */
    @Test
    void elLimiteDeCuerpoDeLaApiSigueValiendoFueraDeLasSubidas() {
        byte[] big = new byte[2 * 1024 * 1024];
        Http.Response json = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/files/vehicles/v1"))
                .header("X-Api-Key", keyA).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(json.status()).isEqualTo(413);
        Http.Response multipartElsewhere = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/ai/generate"))
                .header("X-Api-Key", keyA).header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(multipartElsewhere.status()).isEqualTo(413);
    }
}
