const { Pool } = require('pg');
const re = /["'`]/g;
const t = `a${ {b: '}'}.b }c`;
const pool = new Pool({ max: parseInt(process.env.DB_POOL_MAX ?? '10', 10) });
const k = require('knex')({ client: 'pg', pool: { min: 2, max: 20 } });
const API_URL = process.env.API_URL || 'http://localhost:3001';
server.listen(process.env.PORT || 3001);
