// Small pure formatters shared by the page's renderers. No DOM here, so they are unit-tested in Node.

/**
 * Escapes text for HTML, safe in element text and in quoted attributes: every string that came
 * from the monitor goes through this, the page's only escaper (no DOM needed, so Node tests it).
 */
export function esc(value) {
  return String(value).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** 0.9876 → "98.8%"; null/NaN → "–" (no traffic in the window is not 0%). */
export function pct(rate, digits = 1) {
  if (rate == null || !Number.isFinite(rate)) return '–';
  const v = rate * 100;
  // Small error rates matter: show 0.04% rather than rounding a sick channel to 0.0%.
  if (v > 0 && v < 0.1) return `${v.toFixed(2)}%`;
  return `${v.toFixed(digits)}%`;
}

/** Latency in ms, compact: 87 ms, 1.2 s. */
export function ms(value) {
  if (value == null || !Number.isFinite(value)) return '–';
  if (value >= 10_000) return `${Math.round(value / 1000)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)} s`;
  return `${Math.round(value)} ms`;
}

/** An elapsed time for "time in state": 42s, 3m 05s, 2h 10m, 3d 4h. */
export function duration(msElapsed) {
  if (msElapsed == null || !Number.isFinite(msElapsed)) return '–';
  const s = Math.max(0, Math.floor(msElapsed / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Wall-clock time of day in the browser's zone: 14:03:07. */
export function clock(epochMs, withMs = false) {
  if (epochMs == null || !Number.isFinite(epochMs)) return '–';
  const d = new Date(epochMs);
  const hms = [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return withMs ? `${hms}.${String(d.getMilliseconds()).padStart(3, '0')}` : hms;
}

/** Decision evidence as "errorRate=38.0% samples=412 threshold=5.0%": rates read as rates. */
export function evidence(ev) {
  if (!ev || typeof ev !== 'object') return '';
  return Object.entries(ev)
    .map(([k, v]) => {
      if (typeof v === 'number' && /rate|threshold|share/i.test(k) && v >= 0 && v <= 1)
        return `${k}=${pct(v)}`;
      if (typeof v === 'number' && /ms$/i.test(k)) return `${k}=${ms(v)}`;
      // Epoch-ms instants (an override's `until`) read as a time of day.
      if (typeof v === 'number' && /^(until|at|since|from|to)$/i.test(k) && v > 1e12)
        return `${k}=${clock(v)}`;
      if (typeof v === 'number' && !Number.isInteger(v)) return `${k}=${v.toPrecision(3)}`;
      return `${k}=${v}`;
    })
    .join(' ');
}

/** A pool's traffic shares, largest first: "alipay 80% · unionpay 20% · wechat 0%". */
export function shares(weights) {
  return Object.entries(weights || {})
    .sort((a, b) => b[1] - a[1])
    .map(([id, w]) => `${id} ${Math.round(w * 100)}%`)
    .join(' · ');
}

/** Rounds an axis maximum up to a readable value (1, 2, 5 × 10^k). */
export function niceCeil(value) {
  if (!(value > 0)) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 5, 10]) if (step * exp >= value) return step * exp;
  return 10 * exp;
}
