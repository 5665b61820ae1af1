// The SRE actions, over the monitor's admin API. The token lives in sessionStorage: it survives a
// reload but not the tab, so a wall screen left unlocked forgets it when closed.

const KEY = 'switchyard.adminToken';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || body?.error || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error || `http_${status}`;
    this.details = body?.details;
  }
}

export class AdminApi {
  /** @param {{ storage?: Storage, fetchImpl?: typeof fetch }} [o] */
  constructor({ storage = sessionStorage, fetchImpl = (...a) => fetch(...a) } = {}) {
    this.storage = storage;
    this.fetch = fetchImpl;
  }

  get token() {
    return this.storage.getItem(KEY) || '';
  }

  set token(value) {
    if (value) this.storage.setItem(KEY, value);
    else this.storage.removeItem(KEY);
  }

  async request(method, path, body) {
    const headers = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { error: `http_${res.status}`, message: text.slice(0, 200) };
    }
    if (!res.ok) throw new ApiError(res.status, json);
    return json;
  }

  /** Forces a channel's state until `until` (server epoch ms). */
  setOverride(channel, { state, until, reason }) {
    return this.request('PUT', `/v1/channels/${encodeURIComponent(channel)}/override`, {
      state,
      until,
      reason,
    });
  }

  clearOverride(channel) {
    return this.request('DELETE', `/v1/channels/${encodeURIComponent(channel)}/override`);
  }

  addMaintenance({ channel, from, to, leadMs, reason }) {
    return this.request('POST', '/v1/maintenance', { channel, from, to, leadMs, reason });
  }

  removeMaintenance(id) {
    return this.request('DELETE', `/v1/maintenance/${encodeURIComponent(id)}`);
  }
}
