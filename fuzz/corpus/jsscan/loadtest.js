#!/usr/bin/env node
// Diagnostic load test: fixed request rates in four phases, counts HTTP status
// codes per phase and prints latency percentiles.
//   node tests/performance/diagnostic-load-test.js
const http = require('http');

const BASE_URL = process.env.LOAD_TEST_URL || 'http://localhost:3005/api';

const PHASES = [
  { name: 'warm-up', rate: 2, duration: 10 },
  { name: 'low', rate: 5, duration: 30 },
  { name: 'medium', rate: 15, duration: 30 },
  { name: 'high', rate: 30, duration: 30 },
];

function request(url) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.get(url, { timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: err.code || 'ERR', ms: 0 }));
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runPhase({ name, rate, duration }) {
  const pending = [];
  const total = rate * duration;
  for (let i = 0; i < total; i++) {
    pending.push(request(BASE_URL));
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
  const results = await Promise.all(pending);
  const byStatus = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] || 0) + 1;
  const ms = results.filter((r) => r.ms > 0).map((r) => r.ms).sort((a, b) => a - b);
  const avg = ms.reduce((a, b) => a + b, 0) / (ms.length || 1);
  const errors = results.filter((r) => r.status !== 200).length;
  console.log(`\n[${name}] ${rate} req/s for ${duration}s: ${total} requests`);
  console.log(`  status: ${JSON.stringify(byStatus)}`);
  console.log(`  errors: ${errors} (${((errors / total) * 100).toFixed(1)}%)`);
  console.log(`  latency avg ${avg.toFixed(2)}ms p95 ${percentile(ms, 95).toFixed(2)}ms`
    + ` p99 ${percentile(ms, 99).toFixed(2)}ms max ${(ms[ms.length - 1] || 0).toFixed(2)}ms`);
}

(async () => {
  console.log(`Diagnostic load test against ${BASE_URL}`);
  for (const phase of PHASES) {
    await runPhase(phase);
  }
})();
