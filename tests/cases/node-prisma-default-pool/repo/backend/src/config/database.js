const { PrismaClient } = require('@prisma/client');

// One PrismaClient for the whole process. The connection string (and its
// pool settings) come from DATABASE_URL in prisma/schema.prisma.
const prisma = new PrismaClient({
  log: process.env.NODE_ENV === 'development'
    ? ['query', 'info', 'warn', 'error']
    : ['warn', 'error'],
});

async function connectDatabase() {
  await prisma.$connect();
}

async function disconnectDatabase() {
  await prisma.$disconnect();
}

module.exports = { prisma, connectDatabase, disconnectDatabase };
