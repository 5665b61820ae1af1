/** One problem in a config file: where, what, and how to fix it. */
export interface ConfigIssue {
  /** Dotted path with indices, e.g. `channels[2].flavour`; empty for the whole file. */
  path: string;
  message: string;
  fix: string;
}

export type ConfigErrorCode = 'config_not_found' | 'config_syntax' | 'config_invalid';

/** Stops start-up: the message lists every issue with its field and fix, ready to print. */
export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    super(
      `${source}: ${issues.length === 1 ? 'a problem' : `${issues.length} problems`} in the config\n` +
        issues.map((i) => `  - ${i.path || '(file)'}: ${i.message}\n    fix: ${i.fix}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
