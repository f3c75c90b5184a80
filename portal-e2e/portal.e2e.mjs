// End-to-end test of clone-api's portal page in headless Chromium (playwright-core, Debian's
// chromium). Run by PortalIT (devstack module) against a running devstack; by hand:
//   PORTAL_URL=http://localhost:8080/portal/ HOTCLONE_API_KEY=hc_... node portal-e2e/portal.e2e.mjs
// Environment: PORTAL_URL, HOTCLONE_API_KEY (tenant-a's), SOURCE_VM (the running VM it clones,
// default demo-1), SCREENSHOT (PNG path, default
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

  // the page loads without credentials and asks for one
  const response = await page.goto(url);
  check(response.ok(), 'the page loads without credentials (' + response.status() + ' ' + page.url() + ')');
  await byId('status').filter({ hasText: 'no key' }).waitFor();
  check(await page.locator('[data-testid=vm-row]').count() === 0, 'no VM is shown before a key is given');

  // tenant-a's key: hosts and VMs appear, demo-1 running with its guest counter
  await byId('api-key').fill(apiKey);
  await byId('api-key-save').click();
  const demo = page.locator(`[data-testid=vm-row][data-vm-name="${source}"]`);
  await demo.waitFor();
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
  await page.locator(`[data-testid=vm-row][data-vm-id="${cloneId}"]`).waitFor();
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

  // the lineage of demo-1: the new clone as a descendant, the shared base of its operation
  await demo.getByTestId('vm-lineage').click();
  await page.locator(`[data-testid=lineage-node][data-vm-id="${demoId}"][data-relation=self]`).waitFor();
  await page.locator(`[data-testid=lineage-node][data-vm-id="${cloneId}"][data-relation=descendant]`).waitFor();
  await page.locator(`[data-testid=lineage-base][data-op-id="${opId}"]`).waitFor();
  check(true, 'the lineage of ' + source + ' shows the new clone as a descendant over the base of ' + opId);

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log('screenshot ' + screenshot);

  // scale-in from the page: the clone is deleted (after the confirmation) and leaves the table
  page.once('dialog', (d) => d.accept());
  await page.locator(`[data-testid=vm-row][data-vm-id="${cloneId}"]`).getByTestId('vm-delete').click();
  await page.locator(`[data-testid=vm-row][data-vm-id="${cloneId}"]`).waitFor({ state: 'detached' });
  await page.locator(`[data-testid=lineage-node][data-vm-id="${cloneId}"].gone`).waitFor();
  check(true, 'deleting the clone removes it from the table; the lineage shows it GONE');
  check(pageErrors.length === 0, 'no script error or CSP violation on the page ' + JSON.stringify(pageErrors));
} finally {
  await browser.close();
}
process.exit(0);
