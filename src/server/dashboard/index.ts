import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

/** Where the page's files live: hand-written HTML, CSS and browser ES modules, no build step. */
const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Everything the page may load comes from the monitor itself, so the dashboard works on an
 * air-gapped network and a CDN outage cannot blank it.
 */
const CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  // Inline style attributes carry computed widths (traffic shares); scripts stay strictly same-origin.
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "frame-ancestors 'self'",
].join('; ');

export interface DashboardOptions {
  /** Folder the assets are read from; tests point it elsewhere. Default: `./assets` beside this file. */
  assetsDir?: string;
}

interface Asset {
  body: string;
  type: string;
}

/** Reads the assets once: a fixed set of files, so no request path ever reaches the file system. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type) assets.set(name, { body: readFileSync(join(dir, name), 'utf8'), type });
  }
  if (!assets.has('index.html')) throw new Error(`dashboard assets: no index.html in ${dir}`);
  return assets;
}

/**
 * The live dashboard: `GET /` serves the page, `GET /dashboard/<file>` its scripts and styles.
 * The page itself talks to the monitor's public API (`/v1/stream`, `/v1/channels`, …), so it needs
 * nothing from the app it is mounted in.
 */
export function dashboardRoutes({ assetsDir = ASSETS_DIR }: DashboardOptions = {}): Hono {
  const assets = loadAssets(assetsDir);
  const app = new Hono();
  const send = (asset: Asset) =>
    new Response(asset.body, {
      headers: {
        'content-type': asset.type,
        // Revalidate on every load: after an upgrade the page must not mix old and new modules.
        'cache-control': 'no-cache',
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
      },
    });
  const page = assets.get('index.html') as Asset;
  app.get('/', () => send(page));
  app.get('/dashboard/:file', (c) => {
    const asset = assets.get(c.req.param('file'));
    return asset
      ? send(asset)
      : c.json({ error: 'not_found', message: 'no such dashboard asset' }, 404);
  });
  return app;
}
