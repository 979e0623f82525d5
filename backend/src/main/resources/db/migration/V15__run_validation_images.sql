-- Issue 32 (T16): how many images the run's validation split holds, so its accuracy is shown with
-- its interval and the run page says when the split is too small to judge. Null for older runs.
alter table run add column validation_images integer;
