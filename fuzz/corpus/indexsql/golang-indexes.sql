-- Performance indexes for the hot paths (API auth, quota checks, billing).

-- API authentication: lookup by key hash, active keys only
CREATE INDEX IF NOT EXISTS idx_api_keys_key_hash_status ON api_keys (key_hash, status);

-- Active package of a user
CREATE INDEX IF NOT EXISTS idx_user_packages_user_status_dates ON user_packages (user_id, status, start_date, end_date);

-- Daily quota check
CREATE INDEX IF NOT EXISTS idx_daily_usage_user_date ON daily_usage (user_id, usage_date);

-- Payment callback: lookup by order number
CREATE INDEX IF NOT EXISTS idx_payment_orders_order_no ON payment_orders (order_no);

-- Usage history of a user, newest first
CREATE INDEX IF NOT EXISTS idx_usage_logs_user_created ON usage_logs (user_id, created_at);
