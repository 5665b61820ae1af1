/** switchyard/client: the library a payment gateway embeds to follow the monitor, pick channels and report outcomes. */
export { createClient, type ClientOptions } from './createClient.ts';
export {
  createEngineClient,
  type EngineClientOptions,
  type EngineLike,
} from './createEngineClient.ts';
export { Router, admits, type RoutingMode } from './Router.ts';
export { OutcomeReporter, type OutcomeReporterOptions } from './OutcomeReporter.ts';
export {
  StreamFollower,
  type Snapshot,
  type WebSocketFactory,
  type WebSocketLike,
} from './StreamFollower.ts';
export { seededRandom } from '../core/random.ts';
export type * from './types.ts';
