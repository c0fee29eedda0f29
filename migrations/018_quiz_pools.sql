-- 018 quiz pools: question pools are GIFT categories (quiz_item.item's
-- "category"); with draw_per_pool, draw_count questions are drawn at random
-- from EACH pool per attempt (questions without a category are always
-- shown), instead of draw_count from the whole quiz (docs/assessments.md).
ALTER TABLE quiz ADD COLUMN draw_per_pool INTEGER NOT NULL DEFAULT 0;
