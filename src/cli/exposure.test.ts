import { describe, expect, it } from 'vitest';
import { boundUrl, exposureRefusal, isLoopback } from './exposure.ts';

describe('exposure', () => {
  it('tells loopback from a network', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', '::ffff:10.0.0.1'])
      expect(isLoopback(h), h).toBe(false);
  });

  it('refuses a network bind with open writes, naming the tokens and the flag', () => {
    const base = { command: 'switchyard monitor', missing: ['tokens.admin'] };
    const msg = exposureRefusal({ ...base, host: '0.0.0.0', insecure: false });
    expect(msg).toContain('tokens.admin');
    expect(msg).toContain('--insecure-no-auth');
    expect(exposureRefusal({ ...base, host: '0.0.0.0', insecure: true })).toBeNull();
    expect(exposureRefusal({ ...base, host: '127.0.0.1', insecure: false })).toBeNull();
    expect(exposureRefusal({ ...base, missing: [], host: '0.0.0.0', insecure: false })).toBeNull();
  });

  it('writes the bound address as a URL', () => {
    expect(boundUrl('0.0.0.0', 80)).toBe('http://0.0.0.0:80');
    expect(boundUrl('::', 80)).toBe('http://[::]:80');
  });
});
