import { z } from 'zod';
import { DEFAULT_MAX_CLIENTS, DEFAULT_MAX_PER_ADDRESS } from '../server/ConnectionCaps.ts';
import { DEFAULT_HTTP_LIMITS } from '../server/listen.ts';

// The monitor's serving settings: the stream's fan-out and caps, the HTTP servers' timeouts.

/** `stream`: WS /v1/stream. */
export const streamSchema = z
  .strictObject({
    statsIntervalMs: z
      .number()
      .int()
      .min(250)
      .default(1000)
      .describe(
        'Period of "stats" messages (at most 4/s); subscribers that do not want them connect with ?stats=0.',
      ),
    pingIntervalMs: z
      .number()
      .int()
      .min(100)
      .default(15_000)
      .describe('Ping period; a client that misses a pong is dropped.'),
    maxBufferedBytes: z
      .number()
      .int()
      .min(1024)
      .default(1_048_576)
      .describe('Per-client send buffer before messages queue up.'),
    maxQueue: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe(
        'Queued messages per slow client before the backlog is dropped for a fresh snapshot.',
      ),
    maxClients: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_MAX_CLIENTS)
      .describe(
        'Stream connections in all; past it a new one is closed with code 1013 (try again later).',
      ),
    maxClientsPerAddress: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_MAX_PER_ADDRESS)
      .describe(
        'Stream connections from one remote address (a NAT or proxy counts as one); past it, 1013.',
      ),
  })
  .default({
    statsIntervalMs: 1000,
    pingIntervalMs: 15_000,
    maxBufferedBytes: 1_048_576,
    maxQueue: 1000,
    maxClients: DEFAULT_MAX_CLIENTS,
    maxClientsPerAddress: DEFAULT_MAX_PER_ADDRESS,
  });

/** `http`: how long a request may take to arrive. */
export const httpSchema = z
  .strictObject({
    headersTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(DEFAULT_HTTP_LIMITS.headersTimeoutMs)
      .describe('A request whose headers have not all arrived by then is dropped (slowloris).'),
    requestTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(DEFAULT_HTTP_LIMITS.requestTimeoutMs)
      .describe(
        'A request not received whole (headers and body) by then is dropped; at least headersTimeoutMs.',
      ),
  })
  .default({ ...DEFAULT_HTTP_LIMITS });
