// The console's entry: open a session, then wire the form, the clip browser and the server panel.
import * as api from './api.js';
import * as generate from './generate.js';
import * as clips from './clips.js';
import * as status from './status.js';
import * as pull from './pull.js';
import { $ } from './dom.js';

async function main() {
  try {
    await api.openSession();
    $('session-state').textContent = 'connected';
    $('session-state').dataset.state = 'open';
  } catch (e) {
    $('session-state').textContent = 'read-only: ' + e.message;
    $('session-state').dataset.state = 'refused';
  }
  clips.init({ rerun: generate.rerun, useClip: generate.useClip });
  await generate.init(() => { clips.refresh(); status.tick(); });
  status.start(() => clips.refresh());
  pull.init();
  await clips.refresh();
  document.body.dataset.ready = 'true';
}

main();
