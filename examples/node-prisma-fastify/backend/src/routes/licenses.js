const { prisma } = require('../config/database');
const { cached } = require('../config/redis');

async function licenseRoutes(fastify) {
  fastify.get('/licenses', { onRequest: [fastify.authenticate] }, async (request) => {
    return cached(`licenses:${request.user.id}`, 60, () =>
      prisma.license.findMany({
        where: { userId: request.user.id },
        orderBy: { createdAt: 'desc' },
      }));
  });

  fastify.get('/orders', { onRequest: [fastify.authenticate] }, async (request) => {
    return prisma.order.findMany({
      where: { userId: request.user.id },
      include: { items: true },
      orderBy: { createdAt: 'desc' },
    });
  });
}

module.exports = licenseRoutes;
