package dev.pasarela.ops.console;

import dev.pasarela.api.Problems;
import dev.pasarela.security.SecurityConfiguration;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;

/**
 * The OpenAPI document of {@code /api/v1/**} and {@code /ops/**} ({@code springdoc.paths-to-match}):
 * springdoc reads the controllers and their Bean Validation; this adds what it cannot see, the
 * three ways to authenticate and the {@code application/problem+json} answers every endpoint may
 * give (the problem types per status come from {@code openapi/problem-types.properties}).
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    public static final String FIREBASE = "firebaseIdToken";
    public static final String API_KEY = "serviceApiKey";
    public static final String OPS = "opsToken";
    static final String PROBLEM = "Problem"; // not "ProblemDetail": springdoc names Spring's class so

    @Bean
    OpenAPI pasarelaOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Pasarela API").version("v1")
                        .description("The tenant API (/api/v1) and the operations API (/ops) of the Pasarela gateway. "
                                + "Errors are RFC 9457 problem details (application/problem+json)."))
                .components(new Components()
                        .addSecuritySchemes(FIREBASE, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("JWT")
                                .description("A Firebase ID token of a user of the tenant (claims tenantId and role)."))
                        .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name(SecurityConfiguration.API_KEY_HEADER)
                                .description("A tenant's service key (POST /ops/tenants/{id}/api-keys)."))
                        .addSecuritySchemes(OPS, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("The operations token, PASARELA_OPS_TOKEN.")));
    }

    @Bean
    OpenApiCustomizer problemsAndSecurity() {
        Map<Integer, List<String>> types = problemTypes();
        return openApi -> {
            // here, not on the OpenAPI bean: springdoc drops schemas nothing refers to before customizers run
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            openApi.getPaths().forEach((path, item) -> {
                boolean ops = path.startsWith("/ops/");
                item.readOperationsMap().forEach((method, operation) -> {
                    operation.setSecurity(ops ? List.of(new SecurityRequirement().addList(OPS))
                            : List.of(new SecurityRequirement().addList(FIREBASE),
                                    new SecurityRequirement().addList(API_KEY)));
                    for (int status : statuses(path, method, operation, ops)) {
                        addProblem(operation, status, types.getOrDefault(status, List.of()));
                    }
                });
            });
        };
    }

    /** The statuses an endpoint may answer with a problem: from what the request carries and who may call it. */
    static List<Integer> statuses(String path, PathItem.HttpMethod method, Operation operation, boolean ops) {
        boolean body = operation.getRequestBody() != null;
        boolean changes = method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD;
        List<Integer> statuses = new ArrayList<>();
        if (body || (operation.getParameters() != null && !operation.getParameters().isEmpty())) {
            statuses.add(400);
        }
        statuses.add(401);
        if (!ops) {
            statuses.add(403);
        }
        if (path.contains("{")) {
            statuses.add(404);
        }
        if (changes) {
            statuses.add(409);
            statuses.add(422);
        }
        if (body) {
            statuses.add(413);
            if (operation.getRequestBody().getContent() != null
                    && operation.getRequestBody().getContent().containsKey("multipart/form-data")) {
                statuses.add(415);
            }
        }
        if (!ops) {
            statuses.add(429);
            statuses.add(502);
        }
        statuses.add(500);
        statuses.add(503);
        return statuses;
    }

    static void addProblem(Operation operation, int status, List<String> types) {
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        String description = HttpStatus.valueOf(status).getReasonPhrase()
                + (types.isEmpty() ? "" : ". Problem types (" + Problems.TYPE_BASE + "…): "
                + types.stream().map(t -> "`" + t + "`").collect(Collectors.joining(", ")));
        // replaces springdoc's guess from ProblemHandler (a 500 with no media type of ours)
        operation.getResponses().addApiResponse(String.valueOf(status), new ApiResponse().description(description)
                .content(new Content().addMediaType(Problems.MEDIA_TYPE,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
    }

    static Schema<?> problemSchema() {
        return new ObjectSchema().description("RFC 9457 problem details")
                .addProperty("type", new StringSchema().format("uri")
                        .description(Problems.TYPE_BASE + "<problem type>, listed per status on each answer"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .required(List.of("type", "title", "status"));
    }

    /** {@code openapi/problem-types.properties}: status → problem types. */
    public static Map<Integer, List<String>> problemTypes() {
        Properties p = new Properties();
        try (InputStream in = new ClassPathResource("openapi/problem-types.properties").getInputStream()) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Integer, List<String>> types = new TreeMap<>();
        p.forEach((k, v) -> types.put(Integer.valueOf(k.toString().trim()),
                List.of(v.toString().trim().split("\\s*,\\s*"))));
        return types;
    }
}
