function setting(name, fallback) {
  return process.env[name] ?? fallback;
}
module.exports = { poolMax: Number(setting('DB_' + 'POOL_MAX', 10)) };
