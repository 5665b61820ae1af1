import type { z } from 'zod';
import type { ConfigIssue } from './ConfigError.ts';

/** A zod issue as a config issue, with a fix written for a person editing the file. */
export function toIssue(issue: z.core.$ZodIssue): ConfigIssue {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        path,
        message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
        fix: 'remove it or correct its spelling (see src/config/config.schema.json for every key)',
      };
    case 'invalid_value':
      return {
        path,
        message: issue.message,
        fix: `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'invalid_type':
      return {
        path,
        message: issue.message,
        fix:
          issue.input === undefined
            ? `add ${path || 'it'} (a ${issue.expected})`
            : `make it a ${issue.expected}`,
      };
    case 'too_small':
      return {
        path,
        message: issue.message,
        fix:
          issue.origin === 'array'
            ? `list at least ${issue.minimum} item(s)`
            : `use a value of at least ${issue.minimum}`,
      };
    case 'too_big':
      return { path, message: issue.message, fix: `use a value of at most ${issue.maximum}` };
    case 'invalid_format':
      // Our patterns carry their fix as the message ("use letters, digits…").
      if (issue.format === 'regex')
        return { path, message: 'has characters or a length not allowed here', fix: issue.message };
      return {
        path,
        message: issue.message,
        fix:
          issue.format === 'url'
            ? 'give a full http:// or https:// URL'
            : `write it as a valid ${issue.format}`,
      };
    default:
      return {
        path,
        message: issue.message,
        fix: 'see src/config/config.schema.json for what this field takes',
      };
  }
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}
