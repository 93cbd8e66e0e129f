/**
 * The interactive API reference at /docs: a page whose scripts and styles are
 * this Worker's own static assets (public/docs), never a CDN, so it loads offline.
 */
import type { Context } from "hono";

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dhanam Ledger API reference</title>
  <link rel="icon" type="image/png" href="/docs/vendor/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/vendor/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-spec="/openapi.json"></div>
  <script src="/docs/vendor/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

export const docsPage = (c: Context) => c.html(PAGE);
