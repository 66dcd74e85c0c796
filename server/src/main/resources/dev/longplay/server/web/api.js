// The console's only door to the server. Reads are plain same-origin fetches; writes carry the session
// cookie (HttpOnly: this script never sees it) plus the CSRF value from POST /v1/session. The install
// token is never in the page.

let csrf = null;
let csrfHeader = 'X-Longplay-CSRF';

/** An API error: the server's {code, message} and the HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Opens a console session (the server checks that this page is of its own origin). */
export async function openSession() {
  const r = await fetch('/v1/session', { method: 'POST', credentials: 'same-origin' });
  const body = await parse(r);
  csrf = body.csrf;
  csrfHeader = body.csrfHeader || csrfHeader;
  return true;
}

async function parse(r) {
  const type = r.headers.get('Content-Type') || '';
  const body = type.startsWith('application/json') ? await r.json() : null;
  if (!r.ok) {
    throw new ApiError(r.status, body && body.code || 'http_' + r.status, body && body.message || r.statusText);
  }
  return body;
}

export async function get(path) {
  return parse(await fetch(path, { credentials: 'same-origin' }));
}

/** A write; a server restart forgets sessions, so one 401 opens a new session and tries once more. */
export async function write(method, path, body, contentType = 'application/json') {
  if (csrf === null) {
    await openSession();
  }
  const send = () => {
    const headers = { [csrfHeader]: csrf };
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
    }
    const payload = body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : body;
    return fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  };
  let r = await send();
  if (r.status === 401) {
    await openSession();
    r = await send();
  }
  return r.status === 204 ? null : parse(r);
}

export const submitJob = spec => write('POST', '/v1/jobs', spec);
export const cancelJob = id => write('DELETE', '/v1/jobs/' + encodeURIComponent(id));
export const deleteClip = id => write('DELETE', '/v1/clips/' + encodeURIComponent(id));
export const uploadWav = blob => write('POST', '/v1/uploads', blob, 'audio/wav');
/** A file as it is (FLAC, AIFF, MP3, Ogg, …): the server recognises the format from its bytes and decodes it. */
export const uploadFile = blob => write('POST', '/v1/uploads', blob, 'application/octet-stream');
export const listClips = (offset, limit) => get(`/v1/clips?offset=${offset}&limit=${limit}`);
export const status = () => get('/v1/status');
export const presets = () => get('/v1/presets');
export const clipUrl = id => '/v1/clips/' + encodeURIComponent(id);

/** Follows a job over Server-Sent Events; calls onEvent(data) for each and resolves with the last. */
export function followJob(id, onEvent) {
  return new Promise((resolve, reject) => {
    const source = new EventSource('/v1/jobs/' + encodeURIComponent(id) + '/events');
    let last = null;
    const handle = e => {
      last = JSON.parse(e.data);
      onEvent(last);
      if (['succeeded', 'failed', 'cancelled'].includes(last.state)) {
        source.close();
        resolve(last);
      }
    };
    source.addEventListener('status', handle);
    source.addEventListener('job', handle);
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        reject(new Error('the event stream closed'));
      }
    };
  });
}
