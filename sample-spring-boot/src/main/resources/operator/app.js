// The Spring sample's section of the operator console: the incidents' backfill and verification, run by the starter's
// jobs. Drawn from static markup; what the server answers only ever goes into textContent.
'use strict';

(() => {
  const { api, act, onState } = window.dualRepoConsole;
  const byId = id => document.getElementById(id);

  const SECTION = `
    <section aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">Backfill and verification</h2>
      <p class="note">Run the backfill in DUAL_WRITE, then verify: a clean verification lets reads move to NEW.</p>
      <button type="button" id="backfill-button">Run the incident backfill</button>
      <p id="backfill-state" class="note" aria-live="polite">Not run since the application started.</p>
      <button type="button" id="verify-button">Verify both models</button>
      <p id="verify-state" class="note" aria-live="polite">Not run since the application started.</p>
    </section>`;

  function describe(job) {
    if (!job) return 'Not run since the application started.';
    const rows = job.rowsTotal < 0 ? `${job.rowsScanned} rows` : `${job.rowsScanned} / ${job.rowsTotal} rows`;
    const verdict = job.clean === null ? '' : job.clean ? ', clean' : ', NOT clean';
    const detail = job.failure || job.summary || '';
    return `${job.status.toLowerCase()}${verdict}: ${rows}${detail ? ` (${detail})` : ''}`;
  }

  onState(app => {
    if (!app || app.error) return;
    const running = [app.backfill, app.verify].some(job => job && job.status === 'RUNNING');
    byId('backfill-button').disabled = running;
    byId('verify-button').disabled = running;
    byId('backfill-state').textContent = describe(app.backfill);
    byId('verify-state').textContent = describe(app.verify);
  });

  document.addEventListener('DOMContentLoaded', () => {
    byId('app').insertAdjacentHTML('beforeend', SECTION);
    byId('backfill-button').addEventListener('click', event =>
        act(event.currentTarget, () => api('POST', 'api/operator/backfill')));
    byId('verify-button').addEventListener('click', event =>
        act(event.currentTarget, () => api('POST', 'api/operator/verify')));
  });
})();
