// The clip browser: a page of stored clips with waveform and spectrogram thumbnails, in-page playback and loop,
// metadata, and the actions (regenerate with the seed, vary, use as input, download, delete).
import * as api from './api.js';
import { drawSpectrogram, drawWaveform } from './views.js';
import { decode } from './wav.js';
import { $, bytes, el, when } from './dom.js';

const PAGE = 10;
let offset = 0;
let actions = {};
const decoded = new Map(); // clip id -> Promise<AudioBuffer>, so a refresh does not fetch and decode again

export function init(handlers) {
  actions = handlers;
  $('clips-refresh').addEventListener('click', refresh);
  $('clips-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); refresh(); });
  $('clips-next').addEventListener('click', () => { offset += PAGE; refresh(); });
}

export async function refresh() {
  let page;
  try {
    page = await api.listClips(offset, PAGE);
  } catch (e) {
    $('clips-empty').textContent = 'cannot list clips: ' + e.message;
    return;
  }
  if (page.clips.length === 0 && offset > 0) {
    offset = Math.max(0, offset - PAGE);
    return refresh();
  }
  const list = $('clip-list');
  const existing = new Map([...list.children].map(li => [li.dataset.clipId, li]));
  const items = page.clips.map(c => existing.get(c.id) || card(c));
  list.replaceChildren(...items);
  $('clips-empty').hidden = page.total > 0;
  $('clips-page').textContent = page.total ? `${offset + 1}–${offset + page.clips.length} of ${page.total}` : '';
  $('clips-prev').disabled = offset === 0;
  $('clips-next').disabled = offset + page.clips.length >= page.total;
  for (const [id] of decoded) {
    if (!page.clips.some(c => c.id === id)) decoded.delete(id);
  }
}

function card(clip) {
  const m = clip.meta || {};
  const s = m.settings || {};
  const a = m.audio || {};
  const wave = el('canvas', { class: 'wave', width: 480, height: 72, 'aria-label': 'waveform' });
  const spec = el('canvas', { class: 'spec', width: 480, height: 72, 'aria-label': 'spectrogram' });
  const player = el('audio', { controls: true, preload: 'metadata', src: clip.url });
  const loop = el('input', { type: 'checkbox', onchange: e => { player.loop = e.target.checked; } });
  const facts = el('dl', { class: 'facts' });
  const fact = (k, v) => {
    if (v === undefined || v === null || v === '') return;
    facts.append(el('dt', { text: k }), el('dd', { text: String(v) }));
  };
  fact('seed', m.seed);
  fact('mode', m.mode);
  fact('preset', m.preset);
  fact('length', a.seconds !== undefined ? a.seconds.toFixed(2) + ' s' : undefined);
  fact('steps', s.steps ?? 'default');
  fact('cfg', s.cfgScale ?? 'default');
  fact('sampler', s.sampler || 'default');
  if (s.bpm) fact('tempo', s.bpm + ' BPM' + (s.bars ? ' × ' + s.bars + ' bars' : ''));
  fact('negative', m.negativePrompt);
  fact('model', m.model);
  fact('model hash', m.modelHash ? String(m.modelHash).slice(0, 19) : undefined);
  fact('audio', a.sampleRate ? `${a.sampleRate} Hz · ${a.channels} ch · ${a.format}` : undefined);
  fact('render', m.timings && m.timings.renderMs !== undefined ? (m.timings.renderMs / 1000).toFixed(1) + ' s' : undefined);
  fact('size', bytes(clip.bytes));
  if (m.scores && typeof m.scores === 'object') {
    for (const [k, v] of Object.entries(m.scores)) fact('score: ' + k, typeof v === 'number' ? v.toFixed(3) : JSON.stringify(v));
  }
  const li = el('li', { class: 'clip', dataset: { clipId: clip.id } },
    el('div', { class: 'clip-head' },
      el('p', { class: 'prompt', text: m.prompt || '(no prompt)' }),
      el('time', { class: 'muted', datetime: clip.createdAt, text: when(clip.createdAt) })),
    el('div', { class: 'thumbs' }, wave, spec),
    el('div', { class: 'play' }, player, el('label', { class: 'loop' }, loop, ' loop')),
    facts,
    el('div', { class: 'clip-actions' },
      el('button', { type: 'button', class: 'small', text: 'regenerate (same seed)', onclick: () => actions.rerun(m, true) }),
      el('button', { type: 'button', class: 'small', text: 'vary', onclick: () => actions.rerun(m, false) }),
      el('button', { type: 'button', class: 'small', text: 'use as input', onclick: () => actions.useClip(clip.id, (m.prompt || clip.id).slice(0, 40)) }),
      el('a', { class: 'button small', href: clip.url, download: clip.id + '.wav', text: 'download' }),
      el('button', { type: 'button', class: 'small danger', text: 'delete', onclick: () => remove(clip.id, li) })));
  thumbnails(clip, a.sampleRate, wave, spec, li);
  return li;
}

async function thumbnails(clip, rate, wave, spec, li) {
  if (!decoded.has(clip.id)) {
    decoded.set(clip.id, fetch(clip.url).then(r => {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.arrayBuffer();
    }).then(b => decode(b, rate || 44100)));
  }
  try {
    const buffer = await decoded.get(clip.id);
    drawWaveform(wave, buffer);
    drawSpectrogram(spec, buffer);
    li.dataset.drawn = 'true';
  } catch (e) {
    decoded.delete(clip.id);
    li.dataset.drawn = 'error';
    wave.title = 'cannot decode: ' + e.message;
  }
}

async function remove(id, li) {
  if (!window.confirm('Delete this clip?')) return;
  try {
    await api.deleteClip(id);
    decoded.delete(id);
    li.remove();
    refresh();
  } catch (e) {
    window.alert('delete failed: ' + e.message);
  }
}
