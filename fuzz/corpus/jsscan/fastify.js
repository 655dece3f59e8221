require('dotenv').config();

const fastify = require('fastify')({ logger: true });
const { connectDatabase, disconnectDatabase } = require('./config/database');
const { redis } = require('./config/redis');

fastify.register(require('@fastify/cors'), { origin: true });
fastify.register(require('@fastify/rate-limit'), {
  max: 100,
  timeWindow: '1 minute',
  redis,
});
fastify.register(require('@fastify/jwt'), { secret: process.env.JWT_SECRET });

fastify.decorate('authenticate', async (request, reply) => {
  try {
    await request.jwtVerify();
  } catch (err) {
    reply.send(err);
  }
});

fastify.get('/api', async () => ({ success: true, message: 'License Store API v1.0' }));
fastify.register(require('./routes/licenses'), { prefix: '/api' });

fastify.addHook('onClose', async () => {
  await disconnectDatabase();
  redis.disconnect();
});

const start = async () => {
  try {
    await connectDatabase();
    const port = process.env.PORT || 3001;
    await fastify.listen({ port, host: '0.0.0.0' });
  } catch (err) {
    fastify.log.error(err);
    process.exit(1);
  }
};

start();
