// The sample app's sections of the operator console: the planted bug, the incident backfill and the verification.
// Drawn from static markup (no data in it); the data of the state's "app" only ever goes into textContent.
'use strict';

(() => {
  const { api, act, clock, onState } = window.dualRepoConsole;
  const byId = id => document.getElementById(id);

  const SECTIONS = `
    <section aria-labelledby="bug-heading">
      <h2 id="bug-heading">Planted bug</h2>
      <label><input type="checkbox" id="planted-bug"> The new model reads status “monitoring” as “fixing”</label>
      <p class="note">A mapping slip that only comparing the two models' answers catches: switch it on in SHADOW or
        LIVE and watch the mismatches.</p>
    </section>
    <section aria-labelledby="backfill-heading">
      <h2 id="backfill-heading">Backfill</h2>
      <div id="backfills"><p class="note">No backfill has run in this process.</p></div>
      <button type="button" id="backfill-button">Run the incident backfill</button>
      <p id="backfill-last" class="note"></p>
    </section>
    <section aria-labelledby="verify-heading">
      <h2 id="verify-heading">Verification</h2>
      <button type="button" id="verify-button">Verify both models</button>
      <pre id="verify-summary" aria-live="polite">Not run yet.</pre>
    </section>`;

  let plantedBugBusy = false;

  // Updated in place, not redrawn: a bar that is replaced every second would flicker and lose its focus.
  function renderBackfills(app) {
    const list = byId('backfills');
    for (const job of app.backfills) {
      const id = `progress-${job.job}`;
      let bar = byId(id);
      if (!bar) {
        if (!list.querySelector('.job')) list.replaceChildren();
        const box = document.createElement('div');
        box.className = 'job';
        const label = document.createElement('label');
        label.htmlFor = id;
        label.textContent = job.job + (job.dryRun ? ' (dry run)' : '');
        bar = document.createElement('progress');
        bar.id = id;
        bar.max = 1;
        const detail = document.createElement('span');
        detail.className = 'detail';
        box.append(label, bar, detail);
        list.appendChild(box);
      }
      if (job.fraction === null) bar.removeAttribute('value'); else bar.value = job.fraction;
      const total = job.total < 0 ? '?' : job.total;
      bar.parentElement.querySelector('.detail').textContent = `${job.done} / ${total} rows, ${job.written} written, `
          + `${job.removed} removed, ${job.quarantined} quarantined, ${job.rowsPerSecond} rows/s`;
    }
    const running = app.incidentBackfill.running;
    byId('backfill-button').disabled = running;
    byId('backfill-button').textContent = running ? 'Incident backfill running…' : 'Run the incident backfill';
    byId('backfill-last').textContent = app.incidentBackfill.last || '';
  }

  function renderVerification(app) {
    byId('verify-button').disabled = app.verifying;
    if (app.verification) {
      byId('verify-summary').textContent = `${clock(app.verification.at)}: ${app.verification.summary}`;
    }
  }

  onState(app => {
    if (!app || app.error) return;
    renderBackfills(app);
    renderVerification(app);
    if (!plantedBugBusy) byId('planted-bug').checked = app.plantedBug;
  });

  document.addEventListener('DOMContentLoaded', () => {
    byId('app').insertAdjacentHTML('beforeend', SECTIONS);
    byId('backfill-button').addEventListener('click', event =>
        act(event.currentTarget, () => api('POST', 'api/operator/backfill')));
    byId('verify-button').addEventListener('click', event => act(event.currentTarget, async () => {
      byId('verify-summary').textContent = 'Verifying…';
      const result = await api('POST', 'api/operator/verify');
      byId('verify-summary').textContent = `${clock(result.at)}: ${result.summary}`;
    }));
    byId('planted-bug').addEventListener('change', event => {
      const box = event.currentTarget;
      plantedBugBusy = true;
      act(box, () => api('POST', 'api/operator/planted-bug', { planted: box.checked }))
          .finally(() => { plantedBugBusy = false; });
    });
  });
})();
