// The web console in a real browser: `./longplay serve` with the embedded tiny model on free loopback ports and a
// temporary data folder, Debian's headless Chromium driven by playwright-core. The page generates a clip, follows
// its progress, shows it in the list with drawn thumbnails, plays it, varies it, deletes it, cancels a long job,
// and lists a failure; screenshots go to web-tests/out/ and are checked not to be blank.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const out = join(here, 'out');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
// A first generation loads (or on a fresh machine first makes) the tiny model.
const JOB_TIMEOUT = 240_000;

let server, base, browser, page, temp, hub, hubUrl;
const logs = [];
const pageErrors = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * A Hugging Face Hub on loopback that knows one gated model: its revision answers, its files answer 401 with
 * X-Error-Code GatedRepo (as the Hub does without an accepted licence); any other repo is RepoNotFound.
 */
function gatedHub() {
  return new Promise(resolve => {
    const s = createHttpServer((req, res) => {
      const path = new URL(req.url, 'http://hub').pathname;
      if (path === '/api/models/stabilityai/stable-audio-open-small/revision/main') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ sha: 'a'.repeat(40), siblings: [{ rfilename: 'model_config.json' }, { rfilename: 'model.ckpt' }] }));
      } else if (path.startsWith('/stabilityai/stable-audio-open-small/resolve/')) {
        res.writeHead(401, { 'X-Error-Code': 'GatedRepo' });
        res.end();
      } else {
        res.writeHead(401, { 'X-Error-Code': 'RepoNotFound' });
        res.end();
      }
    });
    s.listen(0, '127.0.0.1', () => {
      hubUrl = `http://127.0.0.1:${s.address().port}`;
      resolve(s);
    });
  });
}

async function waitForServer(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error('longplay serve exited with ' + server.exitCode + ':\n' + logs.join(''));
    try {
      const r = await fetch(url + '/v1/health');
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error('longplay serve did not answer within ' + ms + ' ms:\n' + logs.join(''));
}

/** Distinct colours of a PNG (a blank or single-colour render has one or two). */
function distinctColours(file) {
  const png = PNG.sync.read(readFileSync(file));
  const seen = new Set();
  for (let i = 0; i < png.data.length; i += 4) {
    seen.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
  }
  return seen.size;
}

before(async () => {
  mkdirSync(out, { recursive: true });
  temp = mkdtempSync(join(tmpdir(), 'longplay-web-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  hub = await gatedHub();
  // The tiny model by name: serve's default is now the trained 8 kHz model, and these checks are about the console.
  server = spawn(join(repo, 'longplay'), ['serve', '--port', String(port), '--osc-port', '-1',
    '--model', 'longplay-tiny-random-v1',
    '--data-dir', join(temp, 'data'), '--config-dir', join(temp, 'config')], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HF_ENDPOINT: hubUrl, HF_HOME: join(temp, 'hf'), HF_TOKEN: '' } });
  server.stdout.on('data', d => logs.push(d.toString()));
  server.stderr.on('data', d => logs.push(d.toString()));
  // The first call of ./longplay may build the jar.
  await waitForServer(base, 600_000);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
      // A fake microphone (a beep) and no permission prompt, for the record button.
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', e => pageErrors.push(String(e)));
  page.on('console', m => {
    // A CSP violation is reported as a console error: the page must cause none.
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('dialog', d => d.accept());
  await page.goto(base + '/');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
});

after(async () => {
  if (browser) await browser.close();
  if (hub) hub.close();
  if (server && server.exitCode === null) {
    const exited = new Promise(r => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise(r => setTimeout(r, 20_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (temp) rmSync(temp, { recursive: true, force: true });
});

async function generate(fields) {
  for (const [id, value] of Object.entries(fields)) {
    await page.fill('#' + id, String(value));
  }
  const before = await page.getAttribute('#job', 'data-job-id');
  await page.click('#generate-button');
  await page.waitForFunction(prev => {
    const job = document.getElementById('job');
    return job.dataset.jobId && job.dataset.jobId !== prev;
  }, before, { timeout: 10_000 });
  return page.getAttribute('#job', 'data-job-id');
}

async function finished(jobId) {
  await page.waitForFunction(id => {
    const job = document.getElementById('job');
    return job.dataset.jobId === id && ['succeeded', 'failed', 'cancelled'].includes(job.dataset.state);
  }, jobId, { timeout: JOB_TIMEOUT });
  return page.getAttribute('#job', 'data-state');
}

test('the page opens a console session through the same-origin flow', async () => {
  assert.equal(await page.getAttribute('#session-state', 'data-state'), 'open');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');
  // The token is nowhere in the page's reach.
  const token = readFileSync(join(temp, 'config', 'token'), 'utf8').trim();
  assert.ok(!(await page.content()).includes(token));
  const model = await page.textContent('#server-facts');
  assert.match(model, /embedded-tiny|tiny/i);
  assert.match(model, /cpu/);
});

test('generate a clip with the tiny model, see it in the list, play it', async () => {
  const jobId = await generate({ prompt: 'dusty breakbeat for the browser test', seconds: 1, seed: 42, steps: 4 });
  assert.equal(await finished(jobId), 'succeeded', await page.textContent('#gen-error'));
  // Progress came over SSE: the initial status, at least one progress update, and the end.
  assert.ok(Number(await page.getAttribute('#job', 'data-events')) >= 3, 'few progress events');
  assert.equal(await page.evaluate(() => document.getElementById('job-progress').value), 1);

  const card = page.locator(`li.clip[data-clip-id="${jobId}"]`);
  await card.waitFor({ timeout: 30_000 });
  await page.waitForSelector(`li.clip[data-clip-id="${jobId}"][data-drawn="true"]`, { timeout: 30_000 });
  assert.match(await card.locator('.prompt').textContent(), /dusty breakbeat/);
  assert.match(await card.locator('dl.facts').textContent(), /seed42/);

  // Loop it and play it in the page: currentTime must advance.
  await card.locator('label.loop input').check();
  assert.equal(await card.locator('audio').evaluate(audio => audio.loop), true);
  const played = await card.locator('audio').evaluate(async audio => {
    await audio.play();
    const t0 = performance.now();
    while (audio.currentTime < 0.2 && performance.now() - t0 < 10_000) {
      await new Promise(r => setTimeout(r, 50));
    }
    const t = audio.currentTime;
    audio.pause();
    return { t, duration: audio.duration, error: audio.error && audio.error.code };
  });
  assert.equal(played.error, null);
  assert.ok(played.duration > 0.9 && played.duration < 1.1, 'duration ' + played.duration);
  assert.ok(played.t >= 0.2, 'playback did not advance: ' + played.t);

  await page.screenshot({ path: join(out, 'console.png') });
  await card.locator('canvas.wave').screenshot({ path: join(out, 'waveform.png') });
  await card.locator('canvas.spec').screenshot({ path: join(out, 'spectrogram.png') });
  assert.ok(distinctColours(join(out, 'console.png')) > 100, 'the page screenshot looks blank');
  assert.ok(distinctColours(join(out, 'waveform.png')) >= 2, 'the waveform is blank');
  assert.ok(distinctColours(join(out, 'spectrogram.png')) > 20, 'the spectrogram is blank');

  // The server has the same clip the page shows.
  const meta = await (await fetch(`${base}/v1/clips/${jobId}/meta`)).json();
  assert.equal(meta.seed, 42);
});

test('regenerate with the same seed renders the same audio', async () => {
  const first = await page.locator('li.clip').first().getAttribute('data-clip-id');
  const before = await page.getAttribute('#job', 'data-job-id');
  await page.locator(`li.clip[data-clip-id="${first}"] button`, { hasText: 'regenerate' }).click();
  await page.waitForFunction(prev => document.getElementById('job').dataset.jobId !== prev, before);
  const again = await page.getAttribute('#job', 'data-job-id');
  assert.equal(await finished(again), 'succeeded');
  await page.locator(`li.clip[data-clip-id="${again}"]`).waitFor({ timeout: 30_000 });
  const meta = await (await fetch(`${base}/v1/clips/${again}/meta`)).json();
  assert.equal(meta.seed, 42);
  const a = Buffer.from(await (await fetch(`${base}/v1/clips/${first}`)).arrayBuffer());
  const b = Buffer.from(await (await fetch(`${base}/v1/clips/${again}`)).arrayBuffer());
  assert.ok(a.equals(b), 'same seed and settings, different audio');
  // Clean up so the later tests see one clip from this test file's first generation.
  await page.locator(`li.clip[data-clip-id="${again}"] button`, { hasText: 'delete' }).click();
  await page.locator(`li.clip[data-clip-id="${again}"]`).waitFor({ state: 'detached', timeout: 10_000 });
});

test('vary renders a new seed from the same settings; delete removes the clip', async () => {
  const first = await page.locator('li.clip').first().getAttribute('data-clip-id');
  const before = await page.getAttribute('#job', 'data-job-id');
  await page.locator(`li.clip[data-clip-id="${first}"] button`, { hasText: 'vary' }).click();
  await page.waitForFunction(prev => document.getElementById('job').dataset.jobId !== prev, before);
  const varied = await page.getAttribute('#job', 'data-job-id');
  assert.equal(await finished(varied), 'succeeded');
  const card = page.locator(`li.clip[data-clip-id="${varied}"]`);
  await card.waitFor({ timeout: 30_000 });
  const meta = await (await fetch(`${base}/v1/clips/${varied}/meta`)).json();
  assert.notEqual(meta.seed, 42);
  assert.equal(meta.settings.steps, 4);
  assert.match(meta.prompt, /dusty breakbeat/);

  await card.locator('button', { hasText: 'delete' }).click();
  await card.waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal((await fetch(`${base}/v1/clips/${varied}`)).status, 404);
  assert.equal(await page.locator('li.clip').count(), 1);
  assert.equal(await page.locator(`li.clip[data-clip-id="${first}"]`).count(), 1);
});

test('style transfer from a file, a microphone recording and a stored clip', async () => {
  const source = await page.locator('li.clip').first().getAttribute('data-clip-id');
  const wav = join(temp, 'take.wav');
  writeFileSync(wav, Buffer.from(await (await fetch(`${base}/v1/clips/${source}`)).arrayBuffer()));
  const styled = async (ready, prompt) => {
    await page.waitForFunction(ready, null, { timeout: 20_000 });
    assert.equal(await page.inputValue('#mode'), 'audio_to_audio');
    const jobId = await generate({ prompt, seconds: 1, seed: 5, steps: 4 });
    assert.equal(await finished(jobId), 'succeeded', await page.textContent('#gen-error'));
    const meta = await (await fetch(`${base}/v1/clips/${jobId}/meta`)).json();
    assert.equal(meta.mode, 'audio_to_audio');
    return meta;
  };

  await page.setInputFiles('#init-file', wav);
  await styled(() => document.getElementById('init-state').textContent.startsWith('take.wav'), 'as strings');

  // A file the browser cannot decode (Chromium has no AIFF decoder) goes up as it is and the server decodes it:
  // the state then shows the bare name, without the duration that a browser decode gives.
  const aiff = join(temp, 'take.aiff');
  const sox = spawnSync('sox', [wav, aiff]);
  if (sox.error || sox.status !== 0) {
    if (process.env.LONGPLAY_REQUIRE_BROWSER === '1') assert.fail('sox is needed to make the AIFF take');
  } else {
    await page.setInputFiles('#init-file', aiff);
    await styled(() => document.getElementById('init-state').textContent === 'take.aiff', 'as a harp');
  }

  await page.click('#record');
  await page.waitForFunction(() => document.getElementById('record').textContent.includes('Stop'));
  await page.waitForTimeout(1500);
  await page.click('#record');
  await styled(() => /^recording \(\d/.test(document.getElementById('init-state').textContent), 'as brass');

  await page.locator(`li.clip[data-clip-id="${source}"] button`, { hasText: 'use as input' }).click();
  const meta = await styled(() => document.getElementById('init-state').textContent.startsWith('clip'), 'as a choir');
  assert.match(meta.settings.initAudio, new RegExp(source));
  await page.selectOption('#mode', '');
});

test('a long job shows in the queue panel and cancel stops it', async () => {
  const jobId = await generate({ prompt: 'a long evolving drone', seconds: 10, seed: 7, steps: 1000 });
  await page.waitForSelector(`#queue tr[data-job-id="${jobId}"]`, { timeout: 30_000 });
  assert.match(await page.textContent(`#queue tr[data-job-id="${jobId}"]`), /live/);
  await page.waitForFunction(() => !document.getElementById('cancel-button').disabled);
  await page.click('#cancel-button');
  assert.equal(await finished(jobId), 'cancelled');
  await page.waitForSelector(`#queue tr[data-job-id="${jobId}"]`, { state: 'detached', timeout: 10_000 });
});

test('a failed job is listed under recent failures with its message', async () => {
  await page.selectOption('#sampler', 'pingpong'); // a rectified-flow sampler; the tiny model is v-objective
  const jobId = await generate({ prompt: 'wrong sampler', seconds: 1, seed: 1, steps: 4 });
  assert.equal(await finished(jobId), 'failed');
  assert.match(await page.textContent('#gen-error'), /sampler/);
  await page.selectOption('#sampler', '');
  await page.waitForFunction(() => document.getElementById('failures').textContent.includes('sampler'), null, { timeout: 10_000 });
  assert.match(await page.textContent('#failures'), new RegExp(jobId.slice(0, 8)));
});

test('pull a model: a gated model shows the licence page, an unknown one is named', async () => {
  await page.fill('#pull-model', 'stabilityai/stable-audio-open-small');
  await page.click('#pull-button');
  await page.waitForFunction(() => document.getElementById('pull-error').textContent.includes('gated'), null, { timeout: 30_000 });
  const gated = await page.textContent('#pull-error');
  assert.ok(gated.includes(hubUrl + '/stabilityai/stable-audio-open-small') && gated.includes('licence'), gated);
  await page.waitForFunction(() => !document.getElementById('pull-button').disabled, null, { timeout: 10_000 });
  await page.fill('#pull-model', 'nobody/nothing');
  await page.click('#pull-button');
  await page.waitForFunction(() => document.getElementById('pull-error').textContent.startsWith('not_found'), null, { timeout: 30_000 });
  assert.ok((await page.textContent('#pull-error')).includes('nobody/nothing'));
  await page.screenshot({ path: join(out, 'pull.png') });
});

test('a refused request shows the server message; the page raised no errors', async () => {
  // A loop without bpm and bars is refused with a message naming the fields.
  await page.selectOption('#mode', 'loop');
  await page.fill('#bpm', '');
  await page.fill('#bars', '');
  await page.click('#generate-button');
  await page.waitForFunction(() => document.getElementById('gen-error').textContent.includes('bpm'));
  await page.selectOption('#mode', '');
  assert.deepEqual(pageErrors.filter(e => !e.includes('400')), []);
});
