package dev.pasarela.integrations.meta.marketplace;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.pasarela.security.ApiKeys;
import dev.pasarela.security.CredentialVault;
import dev.pasarela.store.DocumentStore;
import dev.pasarela.store.Query;
import dev.pasarela.support.AiStandIns;
import dev.pasarela.support.GatewayTest;
import dev.pasarela.support.Http;
import dev.pasarela.tenants.TenantProfile;
import dev.pasarela.tenants.TenantRepository;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The vehicle inventory, listing packages and their staff page, and the catalog feed through the
 * whole gateway: photos uploaded through {@code /api/v1/files} to the disk store (absolute links
 * through a test public address), the AI answered by the OpenAI stand-in.
 */
@GatewayTest
@TestPropertySource(properties = {
        "pasarela.storage.public-base-url=" + MarketplaceFlowTest.MEDIA,
        "pasarela.plans-file=classpath:plans/ai-test.yml"})
class MarketplaceFlowTest {

    static final String MEDIA = "https://media.pasarela.example.test";
    static final WireMockServer AI = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        AI.start();
    }

    @DynamicPropertySource
    static void standIns(DynamicPropertyRegistry registry) {
        registry.add("pasarela.ai.openai.base-url", () -> AI.baseUrl() + "/v1");
        registry.add("pasarela.ai.anthropic.base-url", AI::baseUrl);
        registry.add("pasarela.ai.retry.initial-backoff", () -> "PT0.05S");
        registry.add("pasarela.ai.retry.max-wait", () -> "PT1S");
    }

    @AfterAll
    static void stop() {
        AI.stop();
    }

    @LocalServerPort
    int port;
    @Autowired
    TenantRepository tenants;
    @Autowired
    ApiKeys apiKeys;
    @Autowired
    CredentialVault vault;
    @Autowired
    DocumentStore store;

    Http http;
    String tenantA;
    String tenantB;
    String keyA;
    String keyB;
    String pageA;

    @BeforeEach
    void tenants() {
        AI.resetAll();
        http = new Http(port);
        pageA = String.valueOf(100000000000L + (long) (Math.random() * 800000000000L));
        tenantA = tenant("mkt-a-", "ai", Map.of("facebook", pageA));
        tenantB = tenant("mkt-b-", "ai", Map.of());
        keyA = apiKeys.create(tenantA, "crm").key();
        keyB = apiKeys.create(tenantB, "crm").key();
        vault.put(tenantA, "openai", Map.of("apiKey", AiStandIns.OPENAI_KEY + tenantA));
    }

    String tenant(String prefix, String plan, Map<String, String> identities) {
        String id = prefix + UUID.randomUUID().toString().substring(0, 8);
        tenants.upsert(id, new TenantProfile("Autos " + id, plan, "Europe/Madrid", identities));
        return id;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    static byte[] jpeg() {
        BufferedImage img = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xC0FFEE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "jpeg", out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Uploads a JPEG as FilesFlowTest does; returns its tenant-relative path. */
    String photo(String key, String vehicleId, String name) {
        String boundary = "----pasarela" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(jpeg());
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        Http.Response r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/files/vehicles/" + vehicleId
                        + "?name=" + name)).header("X-Api-Key", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("path").asText();
    }

    Http.Response call(String key, String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path)).header("X-Api-Key", key)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b);
    }

    Http.Response open(String url, String method) {
        return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    static String vehicle(String vin, String description, String... photos) {
        StringBuilder list = new StringBuilder();
        for (String p : photos) {
            list.append(list.length() == 0 ? "" : ",").append('"').append(p).append('"');
        }
        return """
                {"make":"SEAT","model":"León","year":2019,"trim":"FR","mileage":48000,"fuelType":"PETROL",
                 "transmission":"MANUAL","bodyStyle":"HATCHBACK","drivetrain":"FWD","exteriorColor":"Rojo Desire",
                 "stateOfVehicle":"USED","condition":"VERY_GOOD","vin":%s,"price":15000,"currency":"EUR",
                 "description":%s,"url":"https://autos.example.test/coches/leon-fr",
                 "address":{"addr1":"Calle Mayor 1","city":"Madrid","region":"Comunidad de Madrid",
                            "postalCode":"28013","country":"ES"},
                 "photos":[%s]}""".formatted(vin == null ? "null" : '"' + vin + '"',
                description == null ? "null" : JSON_STRING.apply(description), list);
    }

    static final java.util.function.Function<String, String> JSON_STRING = s -> {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    };

    static final String VIN = "VSSZZZ5FZKR012345";

    // ---- inventory ----------------------------------------------------------------------------------

    @Test
    void aVehicleIsUpsertedReadListedAndDeleted() {
        String front = photo(keyA, "v-1", "front");
        Http.Response created = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-1", vehicle(VIN, null, front));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("id").asText()).isEqualTo("v-1");
        assertThat(created.json().path("mileageUnit").asText()).as("KM by default").isEqualTo("KM");
        assertThat(created.json().path("availability").asText()).isEqualTo("AVAILABLE");
        assertThat(store.get("tenants/" + tenantA + "/vehicles/v-1")).isPresent();

        Http.Response updated = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-1",
                vehicle(VIN, null, front).replace("\"price\":15000", "\"price\":14500.5"));
        assertThat(updated.status()).isEqualTo(200);
        Http.Response read = call(keyA, "GET", "/api/v1/catalog/vehicles/v-1", null);
        assertThat(read.json().path("price").decimalValue()).isEqualByComparingTo("14500.5");
        assertThat(read.json().path("address").path("city").asText()).isEqualTo("Madrid");
        assertThat(read.json().path("photos").get(0).asText()).isEqualTo("vehicles/v-1/front.jpg");

        call(keyA, "PUT", "/api/v1/catalog/vehicles/v-2", vehicle(null, null, front));
        call(keyA, "PUT", "/api/v1/catalog/vehicles/v-3", vehicle(null, null, front));
        JsonNode first = call(keyA, "GET", "/api/v1/catalog/vehicles?limit=2", null).json();
        assertThat(first.path("vehicles")).hasSize(2);
        assertThat(first.path("next").asText()).isEqualTo("v-2");
        JsonNode second = call(keyA, "GET", "/api/v1/catalog/vehicles?limit=2&after=v-2", null).json();
        assertThat(second.path("vehicles")).hasSize(1);
        assertThat(second.path("vehicles").get(0).path("id").asText()).isEqualTo("v-3");
        assertThat(second.has("next")).isTrue();
        assertThat(second.path("next").isNull()).isTrue();

        assertThat(call(keyA, "DELETE", "/api/v1/catalog/vehicles/v-3", null).status()).isEqualTo(204);
        assertThat(call(keyA, "GET", "/api/v1/catalog/vehicles/v-3", null).status()).isEqualTo(404);
    }

    @Test
    void aBadVehicleIsRefusedWithAProblemNamingTheField() {
        String front = photo(keyA, "v-9", "front");

        Http.Response badVin = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-9", vehicle("VSSZZZ5FZKR01234O", null, front));
        assertThat(badVin.status()).isEqualTo(400);
        assertThat(badVin.contentType()).startsWith("application/problem+json");
        assertThat(badVin.json().path("detail").asText()).contains("vin");
        Http.Response shortVin = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-9", vehicle("VSSZZZ5FZKR0123", null, front));
        assertThat(shortVin.status()).isEqualTo(400);

        Http.Response currency = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-9",
                vehicle(VIN, null, front).replace("\"EUR\"", "\"EUX\""));
        assertThat(currency.status()).isEqualTo(400);
        assertThat(currency.json().path("detail").asText()).contains("currency");

        Http.Response country = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-9",
                vehicle(VIN, null, front).replace("\"ES\"", "\"XX\""));
        assertThat(country.status()).isEqualTo(400);
        assertThat(country.json().path("detail").asText()).contains("country");

        Http.Response fuel = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-9",
                vehicle(VIN, null, front).replace("\"PETROL\"", "\"GASOIL\""));
        assertThat(fuel.status()).isEqualTo(400);
        assertThat(fuel.json().path("detail").asText()).contains("fuelType", "DIESEL");

        Http.Response noPhotos = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-9", vehicle(VIN, null));
        assertThat(noPhotos.status()).isEqualTo(400);
        assertThat(noPhotos.json().path("detail").asText()).contains("photos");

        Http.Response missing = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-9",
                vehicle(VIN, null, front, "vehicles/v-9/trasera.jpg"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("type").asText()).endsWith("/file-not-found");

        Http.Response traversal = call(keyA, "PUT", "/api/v1/catalog/vehicles/v-9",
                vehicle(VIN, null, "vehicles/../../" + tenantB + "/x.jpg"));
        assertThat(traversal.status()).isEqualTo(400);
        assertThat(traversal.contentType()).startsWith("application/problem+json");

        Http.Response badId = call(keyA, "PUT", "/api/v1/catalog/vehicles/__v", vehicle(VIN, null, front));
        assertThat(badId.status()).isEqualTo(400);

        assertThat(store.get("tenants/" + tenantA + "/vehicles/v-9")).as("nothing stored").isEmpty();
    }

    @Test
    void anotherTenantNeitherSeesAVehicleNorAttachesItsPhotos() {
        String front = photo(keyA, "v-1", "front");
        assertThat(call(keyA, "PUT", "/api/v1/catalog/vehicles/v-1", vehicle(VIN, null, front)).status()).isEqualTo(201);

        assertThat(call(keyB, "GET", "/api/v1/catalog/vehicles/v-1", null).status()).isEqualTo(404);
        assertThat(call(keyB, "GET", "/api/v1/catalog/vehicles", null).json().path("vehicles")).isEmpty();
        assertThat(call(keyB, "DELETE", "/api/v1/catalog/vehicles/v-1", null).status()).isEqualTo(404);
        Http.Response listing = call(keyB, "POST", "/api/v1/marketplace/listings", "{\"vehicleId\":\"v-1\",\"description\":\"x\"}");
        assertThat(listing.status()).isEqualTo(404);
        // the same tenant-relative path names B's own (absent) file, never A's
        Http.Response borrowed = call(keyB, "PUT", "/api/v1/catalog/vehicles/v-1", vehicle(VIN, null, front));
        assertThat(borrowed.status()).isEqualTo(404);
        assertThat(call(keyA, "GET", "/api/v1/catalog/vehicles/v-1", null).status()).isEqualTo(200);
    }

    // ---- listing packages ----------------------------------------------------------------------------

    JsonNode vehicleWithPhotos(String key, String id, String description) {
        String front = photo(key, id, "front");
        String back = photo(key, id, "back");
        Http.Response r = call(key, "PUT", "/api/v1/catalog/vehicles/" + id, vehicle(VIN, description, front, back));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    @Test
    void aPackageWithTheGivenDescriptionCallsNoAi() {
        vehicleWithPhotos(keyA, "v-1", null);

        Http.Response r = call(keyA, "POST", "/api/v1/marketplace/listings",
                "{\"vehicleId\":\"v-1\",\"description\":\"Un León FR impecable, libro de revisiones.\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode p = r.json();
        assertThat(p.path("status").asText()).isEqualTo("prepared");
        assertThat(p.path("title").asText()).isEqualTo("2019 SEAT León FR");
        assertThat(p.path("price").path("text").asText()).isEqualTo("15000 EUR");
        assertThat(p.path("mileage").path("value").asLong()).isEqualTo(48000);
        assertThat(p.path("fuelType").asText()).isEqualTo("PETROL");
        assertThat(p.path("transmission").asText()).isEqualTo("MANUAL");
        assertThat(p.path("bodyStyle").asText()).isEqualTo("HATCHBACK");
        assertThat(p.path("stateOfVehicle").asText()).isEqualTo("USED");
        assertThat(p.path("exteriorColor").asText()).isEqualTo("Rojo Desire");
        assertThat(p.path("location").asText()).isEqualTo("Madrid, Comunidad de Madrid");
        assertThat(p.path("description").asText()).isEqualTo("Un León FR impecable, libro de revisiones.");
        assertThat(p.path("descriptionSource").asText()).isEqualTo("given");
        assertThat(p.path("photos")).hasSize(2);
        assertThat(p.path("photos").get(0).path("path").asText()).isEqualTo("vehicles/v-1/front.jpg");
        assertThat(p.path("photos").get(0).path("url").asText()).startsWith(MEDIA + "/files/download/");
        assertThat(p.path("photos").get(0).path("expiresAt").asText()).isNotBlank();
        assertThat(p.path("createListingUrl").asText()).isEqualTo("https://www.facebook.com/marketplace/create/vehicle");
        assertThat(p.path("staffUrl").asText()).matches(Pattern.quote(http.base()) + "/marketplace/l/[A-Za-z0-9_-]{43}");
        assertThat(AI.getAllServeEvents()).as("no AI call").isEmpty();

        Http.Response status = call(keyA, "GET", "/api/v1/marketplace/listings/" + p.path("id").asText(), null);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().path("status").asText()).isEqualTo("prepared");
        assertThat(status.json().has("staffUrl")).as("kept hashed, shown once").isFalse();
        assertThat(call(keyB, "GET", "/api/v1/marketplace/listings/" + p.path("id").asText(), null).status())
                .isEqualTo(404);
        // the staff token is stored only as the hash of an index document
        String token = p.path("staffUrl").asText().substring(p.path("staffUrl").asText().lastIndexOf('/') + 1);
        assertThat(store.query("marketplaceLinks", Query.all()).toString()).doesNotContain(token);
        assertThat(store.get("tenants/" + tenantA + "/marketplaceListings/" + p.path("id").asText()).orElseThrow()
                .data().toString()).doesNotContain(token);
    }

    @Test
    void withoutADescriptionTheAiWritesOneInTheAskedLanguage() {
        vehicleWithPhotos(keyA, "v-2", "Un solo propietario.");
        AiStandIns.openAiChatText(AI, "SEAT León FR de 2019 con 48.000 km, un solo propietario.");

        Http.Response r = call(keyA, "POST", "/api/v1/marketplace/listings", "{\"vehicleId\":\"v-2\",\"language\":\"es\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("description").asText()).isEqualTo("SEAT León FR de 2019 con 48.000 km, un solo propietario.");
        assertThat(r.json().path("descriptionSource").asText()).isEqualTo("ai");
        assertThat(AI.findAll(postRequestedFor(urlPathEqualTo(AiStandIns.OPENAI_CHAT)))).hasSize(1);
        String prompt = AI.findAll(postRequestedFor(urlPathEqualTo(AiStandIns.OPENAI_CHAT))).get(0).getBodyAsString();
        assertThat(prompt).contains("SEAT", "Un solo propietario");
    }

    @Test
    void whenTheAiCannotWriteTheRequestFailsWithItsProblemAndNoPackageIsKept() {
        vehicleWithPhotos(keyA, "v-3", null);
        tenants.upsert(tenantA, new TenantProfile("Autos A", "no-ai", "Europe/Madrid", Map.of("facebook", pageA)));

        Http.Response r = call(keyA, "POST", "/api/v1/marketplace/listings", "{\"vehicleId\":\"v-3\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(AI.getAllServeEvents()).isEmpty();
        assertThat(store.query("tenants/" + tenantA + "/marketplaceListings", Query.all())).isEmpty();
        Http.Response badLanguage = call(keyA, "POST", "/api/v1/marketplace/listings",
                "{\"vehicleId\":\"v-3\",\"language\":\"español\"}");
        assertThat(badLanguage.status()).isEqualTo(400);
        assertThat(badLanguage.json().path("detail").asText()).contains("language");
    }

    // ---- staff page ----------------------------------------------------------------------------------

    @Test
    void theStaffPageEscapesEverythingIsNeverCachedAndConfirmsOnce() {
        vehicleWithPhotos(keyA, "v-4", null);
        String hostile = "<script>alert('x')</script> & \"comillas\"\nSegunda línea";
        JsonNode p = call(keyA, "POST", "/api/v1/marketplace/listings",
                "{\"vehicleId\":\"v-4\",\"description\":" + JSON_STRING.apply(hostile) + "}").json();
        String staffUrl = p.path("staffUrl").asText();

        Http.Response page = open(staffUrl, "GET");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).doesNotContain("<script>alert").doesNotContain("\"comillas\"")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;comillas&quot;")
                .contains("2019 SEAT León FR", "15000 EUR", "Gasolina", "Manual", "Publicado en Marketplace",
                        "https://www.facebook.com/marketplace/create/vehicle");
        var headers = page.raw().headers();
        assertThat(headers.firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(headers.firstValue("X-Robots-Tag").orElse("")).contains("noindex");
        assertThat(headers.firstValue("Referrer-Policy")).contains("no-referrer");
        String csp = headers.firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).contains("default-src 'none'", "img-src " + MEDIA, "form-action 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        // the one inline script on the page is the one the policy allows by its hash
        Matcher scripts = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(page.body());
        assertThat(scripts.find()).isTrue();
        assertThat(csp).contains("script-src '" + StaffPage.sha256(scripts.group(1)) + "'");
        assertThat(scripts.find()).as("only one script").isFalse();
        // photos signed on this request, from the tenant's storage
        assertThat(page.body()).contains("<img src=\"" + MEDIA + "/files/download/");

        Http.Response confirm = open(staffUrl + "/confirm", "POST");
        assertThat(confirm.status()).isEqualTo(303);
        assertThat(confirm.raw().headers().firstValue("Location").orElse("")).endsWith(URI.create(staffUrl).getPath());
        JsonNode confirmed = call(keyA, "GET", "/api/v1/marketplace/listings/" + p.path("id").asText(), null).json();
        assertThat(confirmed.path("status").asText()).isEqualTo("confirmed");
        assertThat(Instant.parse(confirmed.path("confirmedAt").asText())).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));

        // a second confirmation keeps the first time (set to a known past instant, so any rewrite shows)
        store.merge("tenants/" + tenantA + "/marketplaceListings/" + p.path("id").asText(),
                Map.of("confirmedAt", "2026-01-02T03:04:05Z"));
        assertThat(open(staffUrl + "/confirm", "POST").status()).isEqualTo(303);
        assertThat(call(keyA, "GET", "/api/v1/marketplace/listings/" + p.path("id").asText(), null).json()
                .path("confirmedAt").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(open(staffUrl, "GET").body()).contains("Publicado en Marketplace el ");

        Http.Response unknown = open(http.base() + "/marketplace/l/" + "A".repeat(43), "GET");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        Http.Response fromBrowser = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/marketplace/l/" + "A".repeat(43)))
                .header("Accept", "text/html").GET());
        assertThat(fromBrowser.status()).isEqualTo(404);
        assertThat(fromBrowser.contentType()).startsWith("application/problem+json");
        assertThat(open(http.base() + "/marketplace/l/" + "A".repeat(43) + "/confirm", "POST").status()).isEqualTo(404);
    }

    // ---- feed ------------------------------------------------------------------------------------------

    List<List<String>> feed(String url) {
        Http.Response r = open(url, "GET");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType().toLowerCase()).startsWith("text/csv").contains("charset=utf-8");
        return Csv.parse(r.body());
    }

    static Map<String, String> record(List<String> header, List<String> row) {
        assertThat(row).hasSameSizeAs(header);
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            m.put(header.get(i), row.get(i));
        }
        return m;
    }

    @Test
    void theFeedIsMetasAutomotiveCsvAndEscapesCommasQuotesAndNewlines() {
        String tricky = "Garantía 12 meses, \"como nuevo\"\nSegunda línea, =1+1";
        vehicleWithPhotos(keyA, "v-5", tricky);
        String single = photo(keyA, "v-6", "front");
        assertThat(call(keyA, "PUT", "/api/v1/catalog/vehicles/v-6", vehicle(null, null, single)
                .replace("\"price\":15000", "\"price\":9999.90")).status()).isEqualTo(201);
        String url = call(keyA, "POST", "/api/v1/catalog/feed", null).json().path("url").asText();
        assertThat(url).matches(Pattern.quote(http.base()) + "/feeds/[A-Za-z0-9_-]{43}/meta-vehicles\\.csv");

        List<List<String>> rows = feed(url);

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly("vehicle_id", "title", "description", "url", "make", "model", "year",
                "mileage.value", "mileage.unit", "image[0].url", "image[1].url", "transmission", "fuel_type",
                "body_style", "drivetrain", "vin", "condition", "price", "exterior_color", "state_of_vehicle",
                "address.addr1", "address.city", "address.region", "address.postal_code", "address.country",
                "fb_page_id", "availability");
        Map<String, String> v5 = record(rows.get(0), rows.get(1));
        assertThat(v5.get("vehicle_id")).isEqualTo("v-5");
        assertThat(v5.get("description")).isEqualTo(tricky);
        assertThat(v5.get("title")).isEqualTo("2019 SEAT León FR");
        assertThat(v5.get("mileage.value")).isEqualTo("48000");
        assertThat(v5.get("mileage.unit")).isEqualTo("KM");
        assertThat(v5.get("price")).isEqualTo("15000 EUR");
        assertThat(v5.get("image[0].url")).startsWith(MEDIA + "/files/download/");
        assertThat(v5.get("image[1].url")).startsWith(MEDIA + "/files/download/").isNotEqualTo(v5.get("image[0].url"));
        assertThat(v5.get("vin")).isEqualTo(VIN);
        assertThat(v5.get("state_of_vehicle")).isEqualTo("USED");
        assertThat(v5.get("condition")).isEqualTo("VERY_GOOD");
        assertThat(v5.get("address.city")).isEqualTo("Madrid");
        assertThat(v5.get("address.country")).isEqualTo("ES");
        assertThat(v5.get("fb_page_id")).isEqualTo(pageA);
        assertThat(v5.get("availability")).isEqualTo("AVAILABLE");
        Map<String, String> v6 = record(rows.get(0), rows.get(2));
        assertThat(v6.get("price")).isEqualTo("9999.90 EUR");
        assertThat(v6.get("image[1].url")).isEmpty();
        assertThat(v6.get("vin")).isEmpty();
        assertThat(v6.get("description")).as("Meta needs one: the title").isEqualTo("2019 SEAT León FR");
    }

    @Test
    void aRotatedTokenIsA404AndNoTenantSeesAnothersVehicles() {
        vehicleWithPhotos(keyA, "a-1", null);
        String photoB = photo(keyB, "b-1", "front");
        assertThat(call(keyB, "PUT", "/api/v1/catalog/vehicles/b-1", vehicle(null, null, photoB)).status()).isEqualTo(201);
        String oldA = call(keyA, "POST", "/api/v1/catalog/feed", null).json().path("url").asText();
        String feedB = call(keyB, "POST", "/api/v1/catalog/feed", null).json().path("url").asText();

        List<List<String>> a = feed(oldA);
        List<List<String>> b = feed(feedB);
        assertThat(a.subList(1, a.size())).extracting(r -> r.get(0)).containsExactly("a-1");
        assertThat(b.subList(1, b.size())).extracting(r -> r.get(0)).containsExactly("b-1");
        assertThat(String.join(",", b.get(1))).doesNotContain(pageA);

        String newA = call(keyA, "POST", "/api/v1/catalog/feed", null).json().path("url").asText();
        assertThat(newA).isNotEqualTo(oldA);
        Http.Response old = open(oldA, "GET");
        assertThat(old.status()).isEqualTo(404);
        assertThat(old.contentType()).startsWith("application/problem+json");
        Http.Response garbage = open(http.base() + "/feeds/" + "B".repeat(43) + "/meta-vehicles.csv", "GET");
        assertThat(garbage.status()).isEqualTo(404);
        assertThat(garbage.json().path("detail").asText()).as("no hint of which tenants exist")
                .isEqualTo(old.json().path("detail").asText()).doesNotContain(tenantA);
        // Meta's fetcher (or a browser) asking for CSV still gets the problem, never a 406 or a 500
        Http.Response asCsv = http.send(HttpRequest.newBuilder(URI.create(oldA)).header("Accept", "text/csv").GET());
        assertThat(asCsv.status()).isEqualTo(404);
        assertThat(asCsv.contentType()).startsWith("application/problem+json");
        assertThat(feed(newA).subList(1, 2)).extracting(r -> r.get(0)).containsExactly("a-1");
        assertThat(feed(feedB)).hasSize(2);
    }
}
