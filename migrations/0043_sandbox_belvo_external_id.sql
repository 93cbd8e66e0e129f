-- The Belvo simulator keeps a link's `external_id` (the connect's own id for it) and lists links by it, as Belvo does
-- (GET /api/links/?external_id=): a connect whose POST /api/links/ timed out finds and removes the link it may have made.
ALTER TABLE `sandbox_belvo_links` ADD `external_id` text;
