// "Pull a model": asks the server to download a model from the Hugging Face Hub into its cache and follows the
// pull's event stream (files, bytes, the final state or the Hub's refusal, such as a gated model's licence page).
import * as api from './api.js';
import { $, bytes } from './dom.js';

function show(text, isError = false) {
  $('pull-text').textContent = isError ? '' : text;
  $('pull-error').textContent = isError ? text : '';
}

function follow(eventsPath) {
  const source = new EventSource(eventsPath);
  const button = $('pull-button');
  const progress = $('pull-progress');
  const update = e => {
    const msg = JSON.parse(e.data);
    const p = msg.pull;
    if (p.fileSize > 0) {
      progress.max = p.fileSize;
      progress.value = p.fileBytes;
    }
    if (e.type === 'done') {
      show(`${p.model} is in the cache (${p.commit.slice(0, 12)})`);
      progress.value = progress.max;
    } else if (e.type === 'failed') {
      show(`${msg.data.code}: ${msg.data.message}`, true);
    } else if (e.type === 'note') {
      show(msg.data.message);
    } else if (p.file) {
      show(`${p.state.toLowerCase()} ${p.file}: ${bytes(p.fileBytes)} of ${bytes(p.fileSize)}`);
    } else {
      show(`${p.model}: ${p.state.toLowerCase()}`);
    }
    if (p.state === 'DONE' || p.state === 'FAILED') {
      source.close();
      button.disabled = false;
      if (p.state === 'FAILED' && e.type === 'status') show(`${p.errorCode}: ${p.message}`, true);
    }
  };
  for (const type of ['status', 'planned', 'file', 'progress', 'file_done', 'note', 'done', 'failed']) {
    source.addEventListener(type, update);
  }
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) button.disabled = false;
  };
}

export function init() {
  $('pull-form').addEventListener('submit', async ev => {
    ev.preventDefault();
    const model = $('pull-model').value.trim();
    if (!model) return;
    $('pull-button').disabled = true;
    $('pull-progress').value = 0;
    show('asking the server…');
    try {
      const r = await api.write('POST', '/v1/models/pull', { model });
      $('pull-job').hidden = false;
      follow(r.events);
    } catch (e) {
      show(e.message, true);
      $('pull-button').disabled = false;
    }
  });
}
