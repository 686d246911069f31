-- Usage: psql -h HOST -p PORT -U postgres -d alprdesk_bench_10000000_v3 -f scripts/bench-prewarm.sql
-- Warm the caches of a kept benchmark database before a measured run: every
-- relation into the OS page cache, the plate-search relations (read_keys,
-- the plate dictionary and their indexes: about 1.9 GB) into shared
-- buffers, as on a server with RAM for its working set. (The plate indexes
-- are named read_keys_plate/read_keys_vplate before migration 12 and
-- read_keys_plate_cover/read_keys_vplate_cover from it on.)
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 'm', 't');
SELECT sum(pg_prewarm(c.oid)) FROM pg_class c
 WHERE c.relname IN ('read_keys', 'read_keys_plate', 'read_keys_vplate', 'read_keys_plate_cover', 'read_keys_vplate_cover', 'plates', 'plates_pkey', 'plates_plate_key',
   'plates_prefix', 'plates_canon', 'plates_trgm', 'plates_canon_trgm');
