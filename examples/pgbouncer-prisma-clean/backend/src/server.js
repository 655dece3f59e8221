const express = require('express');
const { prisma } = require('./db');

const app = express();
app.use(express.json());

app.use((req, res, next) => {
  res.set('Access-Control-Allow-Origin', process.env.CORS_ORIGIN || 'http://localhost:3000');
  next();
});

app.get('/health', async (req, res) => {
  await prisma.$queryRaw`SELECT 1`;
  res.json({ status: 'ok' });
});

app.get('/products', async (req, res) => {
  const products = await prisma.product.findMany({
    where: { active: true },
    orderBy: { name: 'asc' },
    take: 50,
  });
  res.json(products);
});

app.get('/users/:id/orders', async (req, res) => {
  const orders = await prisma.order.findMany({
    where: { userId: req.params.id },
    include: { items: { include: { product: true } } },
    orderBy: { createdAt: 'desc' },
    take: 20,
  });
  res.json(orders);
});

const port = Number(process.env.PORT) || 4000;
const server = app.listen(port, () => {
  console.log(`shop-api listening on ${port}`);
});

process.on('SIGTERM', () => {
  server.close(() => prisma.$disconnect().then(() => process.exit(0)));
});
