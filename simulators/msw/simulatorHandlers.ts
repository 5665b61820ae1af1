import type { Hono } from 'hono';
import { http, type HttpHandler } from 'msw';

/**
 * The simulator app as msw handlers: with msw/node `setupServer(...simulatorHandlers(app))`,
 * fetches to `baseUrl` reach the same channels and fault engine in-process, without a port.
 */
export function simulatorHandlers(app: Hono, baseUrl = 'http://simulator.test'): HttpHandler[] {
  return [http.all(`${baseUrl}/*`, ({ request }) => app.fetch(request))];
}
