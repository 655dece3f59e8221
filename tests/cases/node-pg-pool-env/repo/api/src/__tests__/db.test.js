const { Pool } = require('pg');
const pool = new Pool({ max: 1 });
