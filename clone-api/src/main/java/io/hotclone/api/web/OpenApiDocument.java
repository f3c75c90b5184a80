package io.hotclone.api.web;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's header (springdoc serves it at {@code /v3/api-docs}, Swagger UI at {@code
 * /swagger-ui.html}, both without a credential): every operation needs an API key ({@code
 * X-API-Key}) or a bearer token, which Swagger UI asks for under Authorize.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
    info = @Info(title = "HotClone clone-api", version = "v1",
        description = "Lists are paged by cursor (limit, cursor, Link rel=\"next\"); single resources carry an ETag"
            + " and answer If-None-Match with 304; VMs and clone requests carry labels."),
    security = {@SecurityRequirement(name = "apiKey"), @SecurityRequirement(name = "bearer")})
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER, paramName = "X-API-Key")
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public class OpenApiDocument {}
