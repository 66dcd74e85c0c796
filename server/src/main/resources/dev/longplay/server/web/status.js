// The server panel: model and device, the queue with its priorities, recent failures with their messages.
import * as api from './api.js';
import { $, bytes, el, shortId, when } from './dom.js';

const EVERY_MS = 2000;

let clipsSeen = null;
let onClipsChanged = () => {};

/** Polls the server; {@code clipsChanged} runs when clips appear or go (other clients make and delete them too). */
export function start(clipsChanged) {
  onClipsChanged = clipsChanged;
  tick();
  setInterval(tick, EVERY_MS);
}

export async function tick() {
  let s;
  try {
    s = await api.status();
  } catch (e) {
    $('server-facts').replaceChildren(el('dt', { text: 'server' }), el('dd', { class: 'error', text: 'unreachable: ' + e.message }));
    return;
  }
  const count = s.clips.count + ':' + s.clips.bytes;
  if (clipsSeen !== null && count !== clipsSeen) onClipsChanged();
  clipsSeen = count;
  const m = s.model || {};
  const facts = [
    ['model', m.id],
    ['about', m.description],
    ['device', s.device],
    ['loaded', m.loaded ? 'yes' + (m.sampleRate ? ' · ' + m.sampleRate + ' Hz' : '') : 'not yet'],
    ['queue', `${s.queue.running} running · ${s.queue.depth} waiting · ${s.queue.capacity} max · ${s.queue.workers} worker(s)`],
    ['clips', `${s.clips.count} · ${bytes(s.clips.bytes)} of ${bytes(s.clips.limitBytes)}`],
    ['up since', when(s.startedAt)],
  ];
  $('server-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v ?? '' })]));

  const rows = s.jobs.map(j => el('tr', { dataset: { jobId: j.id } },
    el('td', { title: j.id, text: shortId(j.id) }),
    el('td', { text: j.state + (j.cancelRequested ? ' (cancelling)' : '') }),
    el('td', { class: 'priority-' + j.priority, text: j.priority }),
    el('td', { text: j.progress ? `${j.progress.stage.replace(/_/g, ' ')} ${j.progress.step}/${j.progress.total}` : '' })));
  $('queue').tBodies[0].replaceChildren(...rows);
  $('queue-empty').hidden = rows.length > 0;

  const fails = s.recentFailures.map(j => el('li', {},
    el('time', { class: 'muted', text: when(j.finishedAt) + ' ' }),
    el('code', { title: j.id, text: shortId(j.id) }), ' ',
    el('strong', { text: j.error ? j.error.code : 'failed' }), ': ',
    el('span', { text: j.error ? j.error.message : '' })));
  $('failures').replaceChildren(...fails);
  $('failures-empty').hidden = fails.length > 0;
}
