export * from './clock.ts';
export * from './scheduler.ts';
export * from './outcome.ts';
export * from './decision.ts';
export * from './views.ts';
export * from './options.ts';
export * from './errors.ts';
export * from './codes/index.ts';
export { Engine, type EngineDeps, type DecisionListener } from './Engine.ts';
export {
  parseOutcomes,
  type ParseContext,
  type ParseResult,
  type ValidationIssue,
} from './parse.ts';
export { computeWeights, type WeightInput, type PoolWeights } from './weights.ts';
export * from './random.ts';
