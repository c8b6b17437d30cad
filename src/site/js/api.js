// The HTTP contract (../shared/api-v1.md) as the page uses it: retries that are safe, with
// exponential backoff and full jitter, Retry-After honoured, and problem+json read into errors.

/** The API answered with an error that retrying will not change. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** The last segment of the problem type, e.g. "duplicate-registration". */
  get kind() {
    return (this.problem.type || '').split('/').pop();
  }
}

/** Every attempt failed at the network or the gateway; the call may be repeated later unchanged. */
export class Unreachable extends Error {}

// Gateway-level answers (throttled, function throttled or timed out) and our own 503s: retry later.
const RETRY_STATUSES = new Set([502, 503, 504]);

export function createApi({
  base,
  maxAttempts = 7,
  backoffBaseMs = 1000,
  backoffCapMs = 20000,
  random = Math.random,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  onRetry = () => {},
}) {
  function backoff(attempt) {
    return Math.round(random() * Math.min(backoffCapMs, backoffBaseMs * 2 ** (attempt - 1)));
  }

  function retryAfterMs(response) {
    const value = response.headers.get('Retry-After');
    if (!value) return null;
    if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
  }

  async function wait(ms) {
    onRetry(Math.max(1, Math.ceil(ms / 1000)));
    await sleep(ms);
  }

  /**
   * One call, retried while retrying is safe: GETs always; POSTs only when `retry` is set, which the
   * caller does when the call is idempotent (an Idempotency-Key, or an operation the contract calls
   * harmless to repeat). Resolves to {status, data, replayed}; rejects with ApiError or Unreachable.
   */
  async function call(method, path, { body, token, idempotencyKey, retry = method === 'GET' } = {}) {
    const headers = { Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await fetch(base + path, {
          method, headers, body: body === undefined ? undefined : JSON.stringify(body),
          mode: 'cors', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
        });
      } catch {
        // Dropped connection, DNS, offline: nothing was read, so the same request is repeated.
        if (!retry || attempt >= maxAttempts) throw new Unreachable();
        await wait(backoff(attempt));
        continue;
      }
      const problem = (response.headers.get('Content-Type') || '').startsWith('application/problem+json');
      const data = response.status === 204 ? null : await response.json().catch(() => null);
      if (response.ok) {
        return { status: response.status, data, replayed: response.headers.get('Idempotent-Replayed') === 'true' };
      }
      // A 429 without a problem body is the gateway's throttle; ours (too many codes) are answers,
      // except rate-limited: too many registrations from this network, retried like the gateway's.
      // So is a 500 without one: API Gateway's answer when Lambda refused to run the function
      // (throttled); our own 500s carry a problem body and are not repeated.
      const retryable = RETRY_STATUSES.has(response.status) || ((response.status === 429 || response.status === 500) && !problem)
        || (response.status === 429 && problem && (data?.type || '').endsWith('/rate-limited'))
        || (response.status === 409 && problem && (data?.type || '').endsWith('/request-in-flight'));
      if (retry && retryable && attempt < maxAttempts) {
        await wait(retryAfterMs(response) ?? backoff(attempt));
        continue;
      }
      if (retryable) throw new Unreachable();
      throw new ApiError(response.status, problem ? data : null);
    }
  }

  return { call };
}
