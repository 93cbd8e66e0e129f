-- What a rule's regex conditions cost as they run (pattern states), so that a space's total is bounded in the same batch that saves its rules (categories/service.ts). Rules saved before count 0.
ALTER TABLE `category_rules` ADD `regex_states` integer DEFAULT 0 NOT NULL;
