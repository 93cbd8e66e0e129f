// Starts the interactive reference on /docs. Swagger UI's files are served by the Worker
// (Workers static assets, copied from the swagger-ui-dist package at install time), so the
// page works with no internet. The online validator badge is off: it would call out.
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
  });
});
