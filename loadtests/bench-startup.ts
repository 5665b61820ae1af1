/**
 * bench:startup — how long `switchyard monitor --port 0` takes from spawn to its first
 * `200 /healthz`, run after run, for one or more bins side by side (e.g. this tree's and another
 * checkout's: `tsx loadtests/bench-startup.ts [--runs N] [BIN ...]`, default bin/switchyard.mjs).
 * The runs alternate between the bins so that a busy moment on the host hits them alike.
 * Prints median, min and max per bin and writes loadtests/results/startup.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '15' } },
  allowPositionals: true,
});
const RUNS = Number(values.runs);
const BINS =
  positionals.length > 0
    ? positionals
    : [fileURLToPath(new URL('../bin/switchyard.mjs', import.meta.url))];

/** Spawns the monitor, polls /healthz once it has said where it listens, and stops it. */
async function startOnce(bin: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'monitor', '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const m = /monitor on (http:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) =>
        reject(new Error(`monitor exited ${code} before listening:\n${err}`)),
      );
    });
    for (;;) {
      const res = await fetch(`${url}/healthz`).catch(() => undefined);
      if (res?.status === 200) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const samples = new Map<string, number[]>(BINS.map((b) => [b, []]));
await startOnce(BINS[0]!); // warm the file-system cache once
for (let i = 0; i < RUNS; i++) {
  for (const bin of BINS) samples.get(bin)!.push(await startOnce(bin));
}

const results = BINS.map((bin) => {
  const s = [...samples.get(bin)!].sort((a, b) => a - b);
  const r = {
    bin,
    runs: s.length,
    medianMs: Math.round(s[Math.floor(s.length / 2)]!),
    minMs: Math.round(s[0]!),
    maxMs: Math.round(s[s.length - 1]!),
  };
  console.log(
    `${bin}: median ${r.medianMs} ms (min ${r.minMs}, max ${r.maxMs}) over ${r.runs} runs, spawn → 200 /healthz`,
  );
  return r;
});
const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(
  `${dir}startup.json`,
  `${JSON.stringify({ node: process.version, results }, null, 2)}\n`,
);
