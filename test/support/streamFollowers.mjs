// A worker thread holding many stream followers, so that their sockets do not share the event
// loop of the monitor under test. workerData: { url, n, concurrency, openTimeoutMs }.
// Posts { type: 'open', opened, refused, failed, ms } once every connection has been tried, then
// answers 'count' with { type: 'count', open, messages, minDecisions } and 'close' with
// { type: 'closed' } after terminating every socket.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { url, n, concurrency = 100, openTimeoutMs = 10_000 } = workerData;
const followers = [];
let opened = 0;
let refused = 0;
let failed = 0;
let messages = 0;

function follow() {
  return new Promise((resolve) => {
    const f = { ws: new WebSocket(url, { perMessageDeflate: false }), decisions: 0 };
    followers.push(f);
    const timer = setTimeout(() => {
      failed++;
      f.ws.terminate();
      resolve();
    }, openTimeoutMs);
    f.ws.once('message', () => {
      clearTimeout(timer);
      opened++;
      resolve();
    });
    f.ws.on('message', (data) => {
      messages++;
      // Decisions are the only messages with "from"; a cheap test, not a parse per message.
      if (data.includes('"type":"decision"')) f.decisions++;
    });
    f.ws.once('close', (code) => {
      clearTimeout(timer);
      if (code === 1013) refused++;
      resolve();
    });
    f.ws.once('error', () => {
      clearTimeout(timer);
      failed++;
      resolve();
    });
  });
}

const t0 = performance.now();
let started = 0;
async function lane() {
  while (started < n) {
    started++;
    await follow();
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
parentPort.postMessage({ type: 'open', opened, refused, failed, ms: performance.now() - t0 });

parentPort.on('message', (m) => {
  if (m === 'count') {
    const open = followers.filter((f) => f.ws.readyState === WebSocket.OPEN);
    parentPort.postMessage({
      type: 'count',
      open: open.length,
      messages,
      minDecisions: open.reduce((min, f) => Math.min(min, f.decisions), Number.POSITIVE_INFINITY),
    });
  } else if (m === 'close') {
    for (const f of followers) f.ws.terminate();
    parentPort.postMessage({ type: 'closed' });
  }
});
