// The generation form: builds a job spec, submits it, follows its progress over SSE, cancels it.
import * as api from './api.js';
import { decode, encodeWav } from './wav.js';
import { $ } from './dom.js';

let current = null;        // the job being followed
let initAudio = null;      // {upload: id} or {clip: id} for style transfer
let recorder = null;
let onFinished = () => {};

export async function init(finished) {
  onFinished = finished;
  $('gen-form').addEventListener('submit', e => { e.preventDefault(); submit(); });
  $('cancel-button').addEventListener('click', cancel);
  $('init-file').addEventListener('change', e => e.target.files[0] && useRecording(e.target.files[0], e.target.files[0].name));
  $('record').addEventListener('click', toggleRecording);
  $('preset').addEventListener('change', presetChosen);
  try {
    const { presets } = await api.presets();
    for (const p of presets) {
      const o = document.createElement('option');
      o.value = p.name;
      o.textContent = p.name + (p.category ? ' (' + p.category + ')' : '');
      o.title = p.description || '';
      $('preset').append(o);
    }
    presetsByName = new Map(presets.map(p => [p.name, p]));
  } catch (e) {
    showError('presets: ' + e.message);
  }
}

let presetsByName = new Map();

function presetChosen() {
  const p = presetsByName.get($('preset').value);
  $('bpm').placeholder = p && p.bpm ? String(p.bpm) : '';
  $('bars').placeholder = p && p.bars ? String(p.bars) : '';
  $('seconds').placeholder = p && p.seconds ? String(p.seconds) : '10';
  $('gen-form').title = p ? p.description || '' : '';
}

const num = id => ($(id).value.trim() === '' ? undefined : Number($(id).value));
const text = id => ($(id).value.trim() === '' ? undefined : $(id).value.trim());

/** The form as a POST /v1/jobs body; unset fields are left to the preset or the model. */
export function spec() {
  const s = {
    prompt: text('prompt'),
    negativePrompt: text('negative'),
    preset: text('preset'),
    mode: text('mode'),
    seed: num('seed'),
    steps: num('steps'),
    cfgScale: num('cfg'),
    sampler: text('sampler'),
    bpm: num('bpm'),
    bars: num('bars'),
    priority: text('priority'),
  };
  const preset = presetsByName.get(s.preset);
  const loop = s.mode === 'loop' || (!s.mode && preset && preset.mode === 'loop');
  if (!loop) s.seconds = num('seconds');
  if (s.mode === 'audio_to_audio') {
    s.initAudio = initAudio || undefined;
    s.initNoiseLevel = num('init-noise');
  }
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
}

async function submit() {
  showError('');
  let job;
  try {
    job = await api.submitJob(spec());
  } catch (e) {
    showError(e.message);
    return;
  }
  follow(job);
}

async function follow(job) {
  current = job.id;
  $('cancel-button').disabled = false;
  $('job').hidden = false;
  $('job').dataset.state = job.state;
  $('job').dataset.jobId = job.id;
  $('job').dataset.events = '0';
  show({ state: job.state });
  let last;
  try {
    last = await api.followJob(job.id, show);
  } catch (e) {
    showError(e.message);
    return;
  } finally {
    if (current === job.id) $('cancel-button').disabled = true;
  }
  if (last.state === 'failed') showError((last.error && last.error.message) || last.message || 'the job failed');
  onFinished(last);
}

function show(d) {
  const state = d.state;
  const p = d.progress || d;
  const stage = p.stage;
  $('job').dataset.state = state;
  $('job').dataset.events = String(Number($('job').dataset.events || 0) + 1); // how many updates arrived (tests read it)
  const bar = $('job-progress');
  if (state === 'succeeded') {
    bar.value = 1;
  } else if (stage && p.total > 0) {
    bar.value = p.step / p.total;
  }
  $('job-text').textContent = state + (stage && state === 'running' ? ' · ' + stage.replace(/_/g, ' ') + (p.total ? ' ' + p.step + '/' + p.total : '') : '');
}

async function cancel() {
  if (!current) return;
  try {
    await api.cancelJob(current);
  } catch (e) {
    showError(e.message);
  }
}

async function toggleRecording() {
  if (recorder) {
    recorder.stop();
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (e) {
    showError('cannot record: ' + e.message);
    return;
  }
  const chunks = [];
  recorder = new MediaRecorder(stream);
  recorder.addEventListener('dataavailable', e => chunks.push(e.data));
  recorder.addEventListener('stop', () => {
    stream.getTracks().forEach(t => t.stop());
    recorder = null;
    $('record').textContent = '● Record';
    useRecording(new Blob(chunks, { type: chunks[0] ? chunks[0].type : 'audio/webm' }), 'recording');
  });
  recorder.start();
  $('record').textContent = '■ Stop';
  $('init-state').textContent = 'recording…';
}

/**
 * Audio the browser decodes becomes a WAV upload; a file it cannot decode (AIFF in most browsers) goes up as it is,
 * for the server to decode. Then it is the style-transfer source.
 */
async function useRecording(blob, name) {
  showError('');
  $('init-state').textContent = 'uploading ' + name + '…';
  try {
    let audio = null;
    try {
      audio = await decode(await blob.arrayBuffer());
    } catch (e) {
      if (!(blob instanceof File)) throw e; // a recording the browser cannot decode: nothing else to send
    }
    const up = audio ? await api.uploadWav(encodeWav(audio)) : await api.uploadFile(blob);
    initAudio = { upload: up.id };
    $('mode').value = 'audio_to_audio';
    $('init-state').textContent = audio ? name + ' (' + audio.duration.toFixed(1) + ' s)' : name;
  } catch (e) {
    initAudio = null;
    $('init-state').textContent = 'none';
    showError('audio: ' + e.message);
  }
}

/** Uses a stored clip as the style-transfer source. */
export function useClip(id, label) {
  initAudio = { clip: id };
  $('mode').value = 'audio_to_audio';
  $('init-state').textContent = 'clip ' + label;
  $('prompt').focus();
}

/** Fills the form from a clip's metadata and submits: the same seed renders the same clip, a fresh one varies it. */
export function rerun(meta, keepSeed) {
  const s = meta.settings || {};
  $('prompt').value = meta.prompt || s.prompt || '';
  $('negative').value = meta.negativePrompt || s.negativePrompt || '';
  $('preset').value = ''; // the stored prompt is already the preset's expansion
  const mode = s.mode || meta.mode;
  if (mode === 'audio_to_audio' || mode === 'inpaint' || mode === 'continue') {
    showError('this clip was made from a recording: choose the recording again to redo it');
    return;
  }
  $('mode').value = mode === 'loop' || mode === 'sfx' ? mode : 'text';
  $('seconds').value = mode === 'loop' ? '' : s.seconds ?? '';
  $('bpm').value = s.bpm ?? '';
  $('bars').value = s.bars ?? '';
  $('seed').value = keepSeed ? meta.seed : '';
  $('steps').value = s.steps ?? '';
  $('cfg').value = s.cfgScale ?? '';
  $('sampler').value = s.sampler || '';
  $('priority').value = s.priority || 'live';
  submit();
}

function showError(message) {
  $('gen-error').textContent = message;
}
