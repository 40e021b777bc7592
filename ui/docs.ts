/**
 * The /docs page: Swagger UI rendering the server's OpenAPI document.
 * Bundled by ui/build.ts with its stylesheet, so the page needs nothing
 * from the network but the document itself.
 */
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-bundle.js";
import css from "swagger-ui-dist/swagger-ui.css" with { type: "text" };

const style = document.createElement("style");
style.textContent = css;
document.head.append(style);
// The page is served at <prefix>/docs, the document at <prefix>/api/v1/.
SwaggerUIBundle({
  url: location.pathname.replace(/\/docs$/, "") + "/api/v1/openapi.json",
  dom_id: "#docs",
  deepLinking: true,
});
