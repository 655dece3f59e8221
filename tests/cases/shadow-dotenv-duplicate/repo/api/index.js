const pool = Number(process.env.DB_POOL_MAX);
const timeout = Number(process.env.API_TIMEOUT_MS);
const password = process.env.DB_PASSWORD;
module.exports = { pool, timeout, password };
