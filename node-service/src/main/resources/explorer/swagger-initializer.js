// The node's API explorer (ApiExplorer): Swagger UI opened on this node's own OpenAPI description. The
// webjar's own initializer opens an example description from the internet; validatorUrl "none" keeps the
// description from being sent to the online validator.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: "none",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
