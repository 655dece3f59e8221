-- Troubleshooting snippets, run by hand:
--   docker exec -i codex-postgres psql -U postgres -d codex_gateway < scripts/troubleshooting.sql

-- "too many connections": raise the limit
ALTER SYSTEM SET max_connections = 200;
SELECT pg_reload_conf();

-- log queries slower than one second
ALTER SYSTEM SET log_min_duration_statement = 1000;
SELECT pg_reload_conf();

-- slowest queries (needs the pg_stat_statements extension)
SELECT query, calls, total_time, mean_time, max_time
FROM pg_stat_statements
ORDER BY mean_time DESC
LIMIT 10;

-- connections by state
SELECT count(*) AS connections, state
FROM pg_stat_activity
GROUP BY state;
