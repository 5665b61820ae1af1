import { describe, expect, it } from 'vitest';
import { dashboardRoutes } from './index.ts';

describe('dashboardRoutes', () => {
  const app = dashboardRoutes();

  it('serves the page at / with a same-origin-only policy', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/dashboard/app.js">');
    // No inline script or handler: the policy above would refuse it.
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script type="module" src="/dashboard/app.js">',
    ]);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    // Works offline: nothing is loaded from another origin.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves every module the page imports, with its type', async () => {
    const seen = new Set<string>();
    const queue = ['app.js'];
    while (queue.length) {
      const name = queue.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      const res = await app.request(`/dashboard/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/javascript/);
      for (const m of (await res.text()).matchAll(/from '\.\/([\w.]+\.js)'/g)) queue.push(m[1]);
    }
    expect([...seen].sort()).toEqual([
      'AdminApi.js',
      'DashboardState.js',
      'MonitorLoader.js',
      'StreamClient.js',
      'adminForms.js',
      'app.js',
      'channelChart.js',
      'chartCards.js',
      'format.js',
      'patch.js',
      'render.js',
    ]);
    expect((await app.request('/dashboard/style.css')).headers.get('content-type')).toMatch(
      /text\/css/,
    );
  });

  it('answers 404 for anything else, never reading a path it was given', async () => {
    for (const path of [
      '/dashboard/nope.js',
      '/dashboard/..%2Findex.ts',
      '/dashboard/%2e%2e%2f%2e%2e%2fpackage.json',
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
    }
  });
});
