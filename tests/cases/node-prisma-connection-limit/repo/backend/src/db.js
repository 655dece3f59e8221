const { PrismaClient } = require('@prisma/client');

// Pool size and timeout come from DATABASE_URL (connection_limit, pool_timeout).
const prisma = new PrismaClient({ log: ['warn', 'error'] });

module.exports = { prisma };
