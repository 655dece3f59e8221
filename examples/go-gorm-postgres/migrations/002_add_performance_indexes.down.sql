DROP INDEX IF EXISTS idx_usage_logs_user_created;
DROP INDEX IF EXISTS idx_payment_orders_order_no;
DROP INDEX IF EXISTS idx_daily_usage_user_date;
DROP INDEX IF EXISTS idx_user_packages_user_status_dates;
DROP INDEX IF EXISTS idx_api_keys_key_hash_status;
