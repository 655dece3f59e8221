const pool = process.env.DB_POOL_MAX, t = process.env.API_TIMEOUT_MS;
module.exports = { pool, t };
