// End-to-end test of clone-api's portal page in headless Chromium (playwright-core, Debian's
// chromium). Run by PortalIT (devstack module) against a running devstack; by hand:
//   PORTAL_URL=http://localhost:8080/portal/ HOTCLONE_API_KEY=hc_... node portal-e2e/portal.e2e.mjs
// Environment: PORTAL_URL, HOTCLONE_API_KEY (tenant-a's), SOURCE_VM (the running VM it clones,
// default demo-1), NOAGENT_VM and PORTAL_LABEL (optional: a running VM whose guest has no agent,
// labelled PORTAL_LABEL (k=v) and alone with that label: its clone from the form, policy isolate,
// must show as isolated; the VM table pages through the two), SCREENSHOT (PNG path, default
// portal.png), CHROMIUM (default /usr/bin/chromium), E2E_INJECT=1: before the failing clone,
// print "@inject-failure" and wait for a line on stdin (the caller makes the next copy step fail).
// At the end it deletes the clone it made.
// Exit code 0 when every check held; a failed check throws and exits non-zero.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const url = required('PORTAL_URL');
const apiKey = required('HOTCLONE_API_KEY');
const screenshot = process.env.SCREENSHOT || 'portal.png';
const inject = process.env.E2E_INJECT === '1';
const source = process.env.SOURCE_VM || 'demo-1';
const noAgent = process.env.NOAGENT_VM || null;
const portalLabel = process.env.PORTAL_LABEL || null;
const TIMEOUT = 60_000;

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(name + ' is not set');
  return v;
}

function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
  console.log('ok  ' + message);
}

const stdin = inject ? createInterface({ input: process.stdin })[Symbol.asyncIterator]() : null;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const pageErrors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // a resource the page's Content-Security-Policy blocks is reported on the console only
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text()); });
  const byId = (id) => page.getByTestId(id);

  /** Pages the VM table from its first page until a row matching `selector` shows (the list is paged). */
  async function vmRow(selector) {
    await byId('vms-first').click();
    await byId('vms-page').filter({ hasText: /^page 1\b/ }).waitFor();
    for (let n = 1; ; n++) {
      const row = page.locator(selector);
      try {
        await row.first().waitFor({ timeout: 4000 });
        return row.first();
      } catch {
        if (await byId('vms-next').isDisabled()) throw new Error('no VM row ' + selector + ' on any of ' + n + ' pages');
        await byId('vms-next').click();
        await byId('vms-page').filter({ hasText: new RegExp('^page ' + (n + 1) + '\\b') }).waitFor();
      }
    }
  }

  // the page loads without credentials and asks for one
  const response = await page.goto(url);
  check(response.ok(), 'the page loads without credentials (' + response.status() + ' ' + page.url() + ')');
  await byId('status').filter({ hasText: 'no key' }).waitFor();
  check(await page.locator('[data-testid=vm-row]').count() === 0, 'no VM is shown before a key is given');

  // tenant-a's key: hosts and VMs appear, demo-1 running with its guest counter
  await byId('api-key').fill(apiKey);
  await byId('api-key-save').click();
  await byId('vms-page').filter({ hasText: /^page 1\b/ }).waitFor();
  const demo = await vmRow(`[data-testid=vm-row][data-vm-name="${source}"]`);
  const demoId = await demo.getAttribute('data-vm-id');
  check(await demo.getByTestId('vm-state').textContent() === 'RUNNING', source + ' is listed as RUNNING (' + demoId + ')');
  const counter = Number(await demo.getByTestId('vm-counter').textContent());
  check(Number.isInteger(counter) && counter >= 0, source + ' shows its guest counter (' + counter + ')');
  await page.waitForFunction(
    ([id, before]) => Number(document.querySelector(`[data-testid=vm-row][data-vm-id="${id}"] [data-testid=vm-counter]`)?.textContent) > before,
    [demoId, counter], { timeout: 20_000 });
  check(true, 'the guest counter moves on as the table refreshes');
  await page.locator('[data-testid=host-row][data-host="host-b"]').waitFor();
  check(true, 'host-b is listed');
  check(await page.evaluate(() => sessionStorage.getItem('hotclone.portal.credential') !== null), 'the key is kept in sessionStorage');

  // clone demo-1 to host-b from the form and follow it live to COMPLETED
  await byId('clone-source').fill(source);
  await byId('clone-target').selectOption('host-b');
  await byId('clone-count').fill('1');
  await byId('clone-submit').click();
  const completed = page.locator('[data-testid=operation][data-phase=COMPLETED][data-last-event=COMPLETED]');
  await completed.first().waitFor();
  const op = completed.first();
  const opId = await op.getAttribute('data-op-id');
  const liveEvents = Number(await op.getAttribute('data-live-events'));
  check(liveEvents >= 2, 'operation ' + opId + ' reached COMPLETED over SSE (' + liveEvents + ' live events)');
  const done = await op.locator('[data-testid=op-step].done').evaluateAll((els) => els.map((e) => e.dataset.phase));
  check(done.includes('STORAGE_FROZEN') && done.includes('STATE_COPIED') && done.includes('COMPLETED'),
    'its steps are shown as reached: ' + done.join(' '));
  const cloneId = await op.getByTestId('op-clone').first().getAttribute('data-vm-id');
  check(!!cloneId && cloneId !== demoId, 'the operation names its clone ' + cloneId);
  await vmRow(`[data-testid=vm-row][data-vm-id="${cloneId}"]`);
  check(true, 'the clone appears in the VM table');

  // the lineage of the new clone: demo-1 as its ancestor, the clone itself
  await op.getByTestId('op-clone-lineage').first().click();
  await page.locator(`[data-testid=lineage-node][data-vm-id="${cloneId}"][data-relation=self]`).waitFor();
  await page.locator(`[data-testid=lineage-node][data-vm-id="${demoId}"][data-relation=ancestor]`).waitFor();
  check(true, 'the lineage of the clone shows it and ' + source + ' as its ancestor');
  const disk = page.locator(`[data-testid=lineage-node][data-vm-id="${cloneId}"] [data-testid=lineage-disk]`);
  await disk.first().waitFor();
  const diskText = await disk.first().textContent();
  // the disk's name is the driver's: disk0 (embedded hypervisor), vda (libvirt)
  check((await disk.count()) === 1 && /^(disk0|vda) over base \S/.test(diskText),
    'the clone\'s one disk is shown over its base: ' + diskText);

  // a clone that fails in the saga: its step and reason are shown
  if (inject) {
    console.log('@inject-failure');
    const answer = await stdin.next();
    check(!answer.done, 'the failure was injected');
    await byId('clone-submit').click();
    const failed = page.locator('[data-testid=operation][data-phase=FAILED][data-last-event=FAILED]');
    await failed.first().waitFor();
    const reason = await failed.first().getByTestId('op-failure').textContent();
    check(reason.includes('injected: target disk full'), 'a failed clone shows its reason: ' + reason);
  }

  // refused requests: the problem detail is shown
  await byId('clone-source').fill('no-such-vm');
  await byId('clone-submit').click();
  await byId('problem').filter({ hasText: 'no-such-vm' }).waitFor();
  check(true, 'an unknown source VM shows the problem: ' + (await byId('problem-detail').textContent()));
  await byId('clone-source').fill(source);
  await byId('clone-count').fill('0');
  await byId('clone-submit').click();
  await byId('problem-code').filter({ hasText: 'out-of-range' }).waitFor();
  const detail = await byId('problem-detail').textContent();
  check(detail.includes('count'), 'count 0 shows the problem detail: ' + detail);

  // clone without choosing a host: the form sends no targetHost, placement decides, and the
  // operation shows the host placement chose (as the API reports it)
  const before = await page.locator('[data-testid=operation]').evaluateAll((els) => els.map((e) => e.dataset.opId));
  const sent = [];
  const onRequest = (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/clones')) sent.push(r.postDataJSON()); };
  page.on('request', onRequest);
  await byId('clone-source').fill(source);
  await byId('clone-target').selectOption('');
  check(await byId('clone-target').locator('option').first().textContent() === 'any host (placement decides)',
    'the target host select offers "any host (placement decides)" first');
  await byId('clone-placement').selectOption('pack');
  await byId('clone-count').fill('1');
  await byId('clone-submit').click();
  const placedHandle = await page.waitForFunction((old) => [...document.querySelectorAll(
    '[data-testid=operation][data-phase=COMPLETED][data-last-event=COMPLETED]')].map((e) => e.dataset.opId)
    .find((id) => !old.includes(id)), before);
  const placedId = await placedHandle.jsonValue();
  page.off('request', onRequest);
  check(sent.length === 1 && !('targetHost' in sent[0]) && sent[0].placement === 'pack',
    'the form sent no targetHost, placement pack: ' + JSON.stringify(sent[0]));
  const placedView = await page.evaluate(async ([id, key]) =>
    (await fetch('/api/v1/clones/' + id, { headers: { 'X-API-Key': key } })).json(), [placedId, apiKey]);
  const chosen = placedView.clones && placedView.clones[0] && placedView.clones[0].host;
  check(placedView.placement === 'pack' && !!chosen && placedView.targetHosts[0] === chosen,
    'the API says placement pack chose ' + chosen + ' for ' + placedId);
  const placedOp = page.locator(`[data-testid=operation][data-op-id="${placedId}"]`);
  const shownHost = await placedOp.getByTestId('op-clone').first().getAttribute('data-host');
  const title = await placedOp.getByTestId('op-title').textContent();
  check(shownHost === chosen && title.includes('→ ' + chosen + ' ') && title.includes('(pack)'),
    'the operation shows where its clone went: ' + title + ' / clone on ' + shownHost);
  const placedClone = await placedOp.getByTestId('op-clone').first().getAttribute('data-vm-id');
  await page.evaluate(async ([id, key]) => fetch('/api/v1/vms/' + id, { method: 'DELETE', headers: { 'X-API-Key': key } }),
    [placedClone, apiKey]);

  if (noAgent) {
    // the form's name, identity policy, lease and labels: a clone of a guest without an agent, policy isolate
    const isoName = 'iso-' + Date.now().toString(36);
    await byId('clone-source').fill(noAgent);
    await byId('clone-target').selectOption('host-b');
    await byId('clone-count').fill('1');
    await byId('clone-names').fill(isoName);
    await byId('clone-policy').selectOption('isolate');
    await byId('clone-lease').fill('25000');
    await byId('clone-labels').fill('e2e=isolated');
    await byId('clone-submit').click();
    const isoOp = page.locator('[data-testid=operation][data-phase=COMPLETED]')
      .filter({ has: page.getByTestId('op-title').filter({ hasText: noAgent }) }).first();
    await isoOp.waitFor();
    const isoOpId = await isoOp.getAttribute('data-op-id');
    check(await isoOp.getByTestId('op-lease').textContent() === 'lease 25000 ms', 'the operation took the lease typed in the form');
    check((await isoOp.getByTestId('op-label').allTextContents()).includes('e2e=isolated'), 'the operation shows the labels typed in the form');
    const isoClone = isoOp.getByTestId('op-clone').first();
    const isoId = await isoClone.getAttribute('data-vm-id');
    check(await isoClone.locator('code').textContent() === isoName, 'the clone has the name typed in the form: ' + isoName);
    const opIdentity = await isoClone.getByTestId('op-clone-identity').textContent();
    check(await isoClone.getAttribute('data-identity') === 'ISOLATED' && opIdentity.includes('link down')
      && opIdentity.includes('no guest agent answered'), 'the operation shows its clone isolated, link down, and why: ' + opIdentity);

    // the VM table: only the label's VMs, one a page, walked through the Link rel="next"
    await byId('vms-label').fill(portalLabel);
    await byId('vms-limit').selectOption('1');
    await byId('vms-apply').click();
    await byId('vms-page').filter({ hasText: /^page 1$/ }).waitFor();
    await page.locator('[data-testid=vm-row]').first().waitFor();
    const first = await page.locator('[data-testid=vm-row]').evaluateAll((rows) => rows.map((r) => r.dataset.vmId));
    check(first.length === 1 && !(await byId('vms-next').isDisabled()), 'the first page of ' + portalLabel + ' holds one VM and offers a next page');
    await byId('vms-next').click();
    await byId('vms-page').filter({ hasText: 'page 2 (last)' }).waitFor();
    const second = await page.locator('[data-testid=vm-row]').evaluateAll((rows) => rows.map((r) => r.dataset.vmId));
    check(second.length === 1 && second[0] !== first[0] && [first[0], second[0]].includes(isoId) && await byId('vms-next').isDisabled(),
      'the VM list pages through: ' + first[0] + ', then ' + second[0] + ' on the last page');
    const isoRow = await vmRow(`[data-testid=vm-row][data-vm-id="${isoId}"]`);
    const state = await isoRow.getByTestId('vm-state').textContent();
    const identity = await isoRow.getByTestId('vm-identity').textContent();
    const reason = await isoRow.getByTestId('vm-identity-reason').textContent();
    check(await isoRow.getAttribute('data-identity') === 'ISOLATED' && await isoRow.getAttribute('data-healthy') === 'false'
      && state.includes('isolated') && !(await isoRow.getByTestId('vm-state').getAttribute('class')).includes('state-RUNNING'),
      'an isolated clone is shown as isolated, not healthy: ' + state);
    check(identity.includes('link down') && reason.includes('held down') && reason.includes('no guest agent answered'),
      'an isolated clone says its link is down and why: ' + reason);
    const labels = await isoRow.getByTestId('vm-label').allTextContents();
    check(labels.includes(portalLabel) && labels.includes('e2e=isolated'),
      'labels shown: the clone carries its source\'s and its request\'s: ' + labels.join(' '));

    // require-agent: the same guest cannot be given its identity, so the clone fails (the policy is sent)
    await byId('clone-names').fill('ra-' + Date.now().toString(36));
    await byId('clone-policy').selectOption('require-agent');
    await byId('clone-labels').fill('');
    await byId('clone-submit').click();
    const refused = page.locator('[data-testid=operation][data-phase=FAILED]')
      .filter({ has: page.getByTestId('op-title').filter({ hasText: noAgent }) }).first();
    await refused.waitFor();
    const why = await refused.getByTestId('op-failure').textContent();
    check(why.includes('require-agent') && why.includes('no guest agent answered'), 'policy require-agent from the form fails the clone: ' + why);

    await byId('vms-label').fill('');
    await byId('vms-limit').selectOption('100');
    await byId('vms-apply').click();

    // the operations list pages through too: a reload shows the newest page, "older operations" the next
    await page.reload();
    await page.locator('[data-testid=operation]').first().waitFor();
    await byId('ops-more').waitFor();
    const newest = await page.locator('[data-testid=operation]').evaluateAll((els) => els.map((e) => e.dataset.opId));
    await byId('ops-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=operation]').length > n, newest.length);
    const all = await page.locator('[data-testid=operation]').evaluateAll((els) => els.map((e) => e.dataset.opId));
    check(newest.length === 3 && all.length > 3 && new Set(all).size === all.length && all.slice(0, 3).join() === newest.join(),
      'the operations list pages through: ' + newest.length + ' newest, ' + (all.length - newest.length) + ' older below, none twice');
  }

  // a warm pool from the page: created, filled, a claim, scaled, deleted
  const poolName = 'e2e-' + Date.now().toString(36);
  await byId('pool-name').fill(poolName);
  await byId('pool-source').fill(source);
  await byId('pool-min-ready').fill('1');
  await byId('pool-max-size').fill('2');
  await byId('pool-create').click();
  const poolRow = page.locator(`[data-testid=pool-row][data-pool="${poolName}"]`);
  await poolRow.getByTestId('pool-ready').filter({ hasText: /^1$/ }).waitFor();
  check(true, 'a pool created from the page shows its ready clone');
  await poolRow.getByTestId('pool-claim').click();
  await page.locator('#pool-claimed[data-vm-id]').waitFor();
  const claimedVm = await page.locator('#pool-claimed').getAttribute('data-vm-id');
  await poolRow.getByTestId('pool-claimed-count').filter({ hasText: /^1$/ }).waitFor();
  check((await page.locator('#pool-claimed').textContent()).includes('claimed'),
    'a claim from the page hands out ' + claimedVm + ' and the pool counts it claimed');
  await poolRow.getByTestId('pool-replicas').fill('2');
  await poolRow.getByTestId('pool-scale').click();
  await poolRow.getByTestId('pool-ready').filter({ hasText: /^2$/ }).waitFor();
  check(true, 'scaling the pool to 2 from the page refills it to 2 ready');
  page.once('dialog', (d) => d.accept());
  await poolRow.getByTestId('pool-delete').click();
  await poolRow.waitFor({ state: 'detached' });
  check(true, 'deleting the pool from the page drains it');
  await page.evaluate(async ([id, key]) => {
    await fetch('/api/v1/vms/' + id, { method: 'DELETE', headers: { 'X-API-Key': key } });
  }, [claimedVm, apiKey]);

  // the lineage of demo-1: the new clone as a descendant, the shared base of its operation
  await (await vmRow(`[data-testid=vm-row][data-vm-name="${source}"]`)).getByTestId('vm-lineage').click();
  await page.locator(`[data-testid=lineage-node][data-vm-id="${demoId}"][data-relation=self]`).waitFor();
  await page.locator(`[data-testid=lineage-node][data-vm-id="${cloneId}"][data-relation=descendant]`).waitFor();
  await page.locator(`[data-testid=lineage-base][data-op-id="${opId}"]`).waitFor();
  check(true, 'the lineage of ' + source + ' shows the new clone as a descendant over the base of ' + opId);

  await page.evaluate(() => document.querySelectorAll('section').forEach((s) => { s.scrollLeft = 0; }));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log('screenshot ' + screenshot);

  // scale-in from the page: the clone is deleted (after the confirmation) and leaves the table
  page.once('dialog', (d) => d.accept());
  await (await vmRow(`[data-testid=vm-row][data-vm-id="${cloneId}"]`)).getByTestId('vm-delete').click();
  await page.locator(`[data-testid=vm-row][data-vm-id="${cloneId}"]`).waitFor({ state: 'detached' });
  await page.locator(`[data-testid=lineage-node][data-vm-id="${cloneId}"].gone`).waitFor();
  check(true, 'deleting the clone removes it from the table; the lineage shows it GONE');
  check(pageErrors.length === 0, 'no script error or CSP violation on the page ' + JSON.stringify(pageErrors));
} finally {
  await browser.close();
}
process.exit(0);
