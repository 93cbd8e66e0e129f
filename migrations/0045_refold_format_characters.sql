-- Search now folds every format character (Unicode category Cf) away: zero-width space and joiners, the soft
-- hyphen, bidi marks and isolates, the word joiner, the BOM, tags (lib/search-text.ts). Copies folded before kept
-- them, so a stored "ca\u200Bfe" was never found by "cafe". Those copies are cleared here; the partial index
-- transactions_unfolded_idx finds them, the list searches them by their own texts meanwhile, and the hourly
-- backfill (modules/transactions/search-backfill.ts) folds them again. GLOB's [...] compares code points: the
-- classes are Cf as Unicode 15 lists it (char() writes each as UTF-8), split so that no pattern passes D1's
-- 50 bytes.
UPDATE `transactions` SET `description_folded` = NULL
 WHERE `description_folded` GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8234) || '-' || char(8238) || ']*')
    OR `description_folded` GLOB ('*[' || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78911) || ']*')
    OR `description_folded` GLOB ('*[' || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*');--> statement-breakpoint
UPDATE `transactions` SET `merchant_folded` = NULL
 WHERE `merchant_folded` GLOB ('*[' || char(173) || char(1536) || '-' || char(1541) || char(1564) || char(1757) || char(1807) || char(2192) || '-' || char(2193) || char(2274) || char(6158) || char(8203) || '-' || char(8207) || char(8234) || '-' || char(8238) || ']*')
    OR `merchant_folded` GLOB ('*[' || char(8288) || '-' || char(8292) || char(8294) || '-' || char(8303) || char(65279) || char(65529) || '-' || char(65531) || char(69821) || char(69837) || char(78896) || '-' || char(78911) || ']*')
    OR `merchant_folded` GLOB ('*[' || char(113824) || '-' || char(113827) || char(119155) || '-' || char(119162) || char(917505) || char(917536) || '-' || char(917631) || ']*');
