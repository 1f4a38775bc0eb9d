package net.tallynet.node.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.tallynet.protocol.OptionalField;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * How springdoc generates the OpenAPI 3 description of the node's REST API from the controllers, for
 * {@link OpenApiDocumentTest}, which keeps {@code docs/openapi.json} (what the node serves) equal to it.
 * Adds what the controllers cannot say: the bearer token, and the JSON error every operation may answer.
 */
class OpenApiConfiguration { // no @Configuration: imported by that test only, never found by a scan
    private static final String BEARER = "bearer";
    private static final String ERROR = "#/components/schemas/ApiError";

    @Bean
    OpenAPI tallynetOpenApi() {
        Schema<?> error = new ObjectSchema()
                .addProperty("reason", new StringSchema().description("stable snake_case reason (README, REST errors)"))
                .addProperty("detail", new StringSchema().description("one line for people"))
                .required(List.of("reason", "detail"));
        return new OpenAPI()
                .info(new Info().title("Tallynet node REST API").version("1")
                        .description("Chain, blocks, transactions, mempool, wallet, payments and mining of one node. "
                                + "Amounts are integer units (1 coin = 10^8 units). Request bodies are read strictly: "
                                + "integers only, no coercion, required fields required, unknown fields and duplicate "
                                + "names refused. Every error is JSON with a reason."))
                // relative: the same document whatever host and port the node is reached on
                .servers(List.of(new Server().url("/")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("tallynet.api.token"))
                        .addSchemas("ApiError", error));
    }

    /** The strict bodies as the reader takes them: every field required unless optional, no other field. */
    @Bean
    OpenApiCustomizer strictBodies() {
        return openApi -> ApiConfiguration.STRICT_BODIES.forEach(type -> {
            Schema<?> schema = openApi.getComponents().getSchemas().get(type.getSimpleName());
            if (schema != null) {
                schema.setRequired(Arrays.stream(type.getRecordComponents())
                        .filter(component -> !component.isAnnotationPresent(OptionalField.class))
                        .map(RecordComponent::getName).sorted().toList());
                schema.setAdditionalProperties(false);
            }
        });
    }

    @Bean
    OpenApiCustomizer errorsAndToken() {
        return openApi -> openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            boolean guarded = method == io.swagger.v3.oas.models.PathItem.HttpMethod.POST
                    || method == io.swagger.v3.oas.models.PathItem.HttpMethod.DELETE;
            Map<String, String> errors = new java.util.TreeMap<>(Map.of(
                    "400", "malformed request or body (reason names the fault, e.g. wrong_type, missing_field)",
                    "404", "not_found", "405", "method_not_allowed", "406", "not_acceptable (this API answers JSON only)"));
            if (guarded) {
                op.addSecurityItem(new SecurityRequirement().addList(BEARER));
                errors.putAll(Map.of("401", "unauthorized", "403", "spending_disabled or admin_disabled (no token set)",
                        "408", "request_timeout (the body did not arrive in time)",
                        "413", "body_too_large", "415", "unsupported_media_type", "429", "rate_limited"));
            }
            errors.forEach((status, description) -> {
                if (op.getResponses().get(status) == null) {
                    op.getResponses().addApiResponse(status, new ApiResponse().description(description)
                            .content(new Content().addMediaType("application/json",
                                    new MediaType().schema(new Schema<>().$ref(ERROR)))));
                }
            });
        }));
    }
}
