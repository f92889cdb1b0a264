// The closed loop in the browser: a resident reports from a station's QR link
// with a photo, community staff accept and dispatch it to the grid, the grid
// worker signs for it and resolves it with a photo, the community verifies it,
// and the resident rates it 满意 — each step through the pages, none through
// the API (which is only used to find ids the pages do not show).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { startDistrict, login } from '../api/lib/district.mjs';
import { openBrowser, watch, shot, MOBILE, DESKTOP } from './lib.mjs';

let srv, browser, tmp;

// A small valid PNG: w×h RGB with a colour gradient, written with zlib.
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      raw[row + 1 + x * 3] = (x * 255) / w;
      raw[row + 2 + x * 3] = (y * 255) / h;
      raw[row + 3 + x * 3] = 160;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
  tmp = mkdtempSync(join(tmpdir(), 'shuniu-e2e-'));
});

after(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

// Sign into the console in a fresh desktop context; returns { ctx, page, problems }.
// Before reloading or leaving a loaded page, let what it is fetching finish:
// a request cut short by the navigation — the browser's own favicon request,
// made again after in-app navigations — would be recorded as a failed request.
// track(page) counts the requests in flight; settle(page) waits for 150 ms
// without any.
function track(page) {
  const inflight = new Set();
  page.on('request', (r) => inflight.add(r));
  page.on('requestfinished', (r) => inflight.delete(r));
  page.on('requestfailed', (r) => inflight.delete(r));
  page.inflight = inflight;
  return page;
}
async function settle(page) {
  for (let quiet = 0; quiet < 3; ) {
    await page.waitForTimeout(50);
    quiet = page.inflight.size ? 0 : quiet + 1;
  }
}

async function consoleAs(username) {
  const ctx = await browser.newContext(DESKTOP);
  const page = track(await ctx.newPage());
  const problems = watch(page);
  await page.goto(srv.url('/console/login'));
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(srv.passwords[username]);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('navigation').getByRole('link', { name: '工作队列', exact: true }).waitFor();
  return { ctx, page, problems };
}

// Take an action on the console case page through its dialog; `fill` fills the form.
async function act(page, action, fill = async () => {}) {
  await page.getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: action });
  await dialog.waitFor();
  await fill(dialog);
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // (The 已完成 message lasts 3 s; the caller waits for the new status instead.)
}

// Every <img> on the page has loaded with a real picture (not broken, not pending).
async function waitImagesLoaded(page) {
  await page.waitForFunction(() => {
    const imgs = [...document.images];
    return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  });
}

const statusTag = (page, text) => page.locator('.el-page-header').getByText(text, { exact: true });

test('a resident report goes round the whole loop and is rated in the browser', async () => {
  const title = `驿站门口路灯不亮 e2e-${Date.now()}`;
  const photo = join(tmp, 'photo.png');
  writeFileSync(photo, png(96, 64));

  // Who is who: the grid worker's grid, a station in it, the grid worker's id.
  const lq = await login(srv, 'longqiao', srv.passwords.longqiao);
  const gw = await login(srv, 'gridworker', srv.passwords.gridworker);
  const me = await gw.get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  const gridId = me.body.user.unit_id;
  const gridName = me.body.user.unit.name;
  const gwId = me.body.user.id;
  const st = await lq.get(`/api/v1/stations?unit=${gridId}`);
  assert.equal(st.status, 200);
  assert.ok(st.body.items.length > 0, 'a station in the grid');
  const code = st.body.items[0].public_code;

  // (a) The resident scans the station's QR code, signs in and reports with a photo.
  const rctx = await browser.newContext(MOBILE);
  const rpage = track(await rctx.newPage());
  const rproblems = watch(rpage);
  await rpage.goto(srv.url(`/s/${code}`));
  await rpage.getByText('已定位到服务驿站').waitFor();
  await rpage.getByText(`驿站编号：${code}`).waitFor();
  await rpage.getByRole('link', { name: '登录后反映' }).click();
  await rpage.getByLabel('用户名').fill('resident');
  await rpage.getByLabel('密码').fill(srv.passwords.resident);
  await rpage.getByRole('button', { name: '登录' }).click();
  await rpage.waitForURL(`**/s/${code}`);
  await rpage.getByText('已定位到服务驿站').waitFor();
  assert.equal(await rpage.getByLabel('联系电话').count(), 0, 'no contact phone asked once signed in');

  await rpage.getByLabel('问题类型').click();
  const picker = rpage.locator('.van-popup').filter({ has: rpage.locator('.van-picker') });
  await picker.getByText('设施维修', { exact: true }).click();
  await picker.getByRole('button', { name: '确认' }).click();
  await picker.waitFor({ state: 'hidden' });
  assert.equal(await rpage.getByLabel('问题类型').inputValue(), '设施维修');
  await rpage.getByLabel('标题').fill(title);
  await rpage.getByLabel('详细描述').fill('晚上驿站门口一片漆黑，老人进出不方便。');
  await rpage.getByLabel('照片').locator('input[type=file]').first().setInputFiles(photo);
  // The preview appears and the upload finishes (no "上传中…" mask left).
  await rpage.locator('.van-uploader__preview').first().waitFor();
  await rpage.getByText('上传中…').waitFor({ state: 'detached' });
  await shot(rpage, 'journey-resident-report');
  await rpage.getByRole('button', { name: '提交', exact: true }).click();
  const caseNoEl = rpage.getByTestId('case-no');
  await caseNoEl.waitFor();
  const caseNo = (await caseNoEl.textContent()).trim();
  assert.match(caseNo, /^\d{13}$/);
  await rpage.getByText('提交成功').waitFor();
  await shot(rpage, 'journey-resident-submitted');

  const found = await lq.get(`/api/v1/appeals?q=${encodeURIComponent(title)}`);
  assert.equal(found.status, 200);
  assert.equal(found.body.items.length, 1);
  const appeal = found.body.items[0];
  assert.equal(appeal.case_no, caseNo);
  assert.equal(appeal.channel, 'qr');
  assert.equal(appeal.unit.id, gridId);
  const id = appeal.id;
  const detail = await lq.get(`/api/v1/appeals/${id}`);
  assert.equal(detail.body.photos.length, 1, 'the photo went with the report');

  // (b) Community staff find it in the 待受理 queue, accept it and dispatch it to the grid.
  const staff = await consoleAs('longqiao');
  const sp = staff.page;
  await sp.getByRole('navigation').getByRole('link', { name: '工作队列', exact: true }).click();
  await sp.getByRole('tab', { name: '待受理' }).waitFor();
  await sp.getByRole('textbox', { name: '搜索' }).fill(caseNo);
  await sp.getByRole('button', { name: '搜索' }).click();
  await sp.getByRole('link', { name: caseNo }).waitFor();
  await sp.getByText(title).waitFor();
  await shot(sp, 'journey-console-queue');
  await sp.getByRole('link', { name: caseNo }).click();
  await sp.waitForURL(`**/console/appeal/${id}`);
  await sp.getByText(title).waitFor();
  await statusTag(sp, '待受理').waitFor();
  await sp.getByRole('img', { name: '照片 1' }).first().waitFor();
  await act(sp, '受理');
  await statusTag(sp, '已受理').waitFor();
  await act(sp, '派单', async (d) => {
    await d.getByLabel('单位', { exact: true }).click();
    await sp.getByRole('option', { name: gridName, exact: true }).click();
    await d.getByLabel('承办人账号 ID').fill(String(gwId));
  });
  await statusTag(sp, '已派单').waitFor();
  await shot(sp, 'journey-console-dispatched');

  // (c) The grid worker signs for it and resolves it with a note and a photo.
  const worker = await consoleAs('gridworker');
  const wp = worker.page;
  await settle(wp);
  await wp.goto(srv.url(`/console/appeal/${id}`));
  await statusTag(wp, '已派单').waitFor();
  await act(wp, '签收');
  await statusTag(wp, '办理中').waitFor();
  await act(wp, '办结', async (d) => {
    await d.getByLabel('办理结果').fill('已更换驿站门口路灯灯泡，恢复照明。');
    await d.getByLabel('办结照片').setInputFiles(photo);
  });
  await statusTag(wp, '已办结').waitFor();
  await wp.getByText('已更换驿站门口路灯灯泡，恢复照明。').waitFor();
  await waitImagesLoaded(wp);
  await shot(wp, 'journey-console-resolved');

  // (d) The community verifies it: passed, so it closes.
  await settle(sp);
  await sp.reload();
  await statusTag(sp, '已办结').waitFor();
  await act(sp, '核查', async (d) => {
    assert.equal(await d.getByRole('switch', { name: '核查通过' }).isChecked(), true);
  });
  await statusTag(sp, '已结案').waitFor();
  await shot(sp, 'journey-console-closed');

  // (e) The resident opens 我的诉求, sees it closed, and rates it 满意.
  await settle(rpage);
  await rpage.goto(srv.url('/'));
  await rpage.getByText('我的诉求').first().click();
  await rpage.waitForURL('**/mine');
  await rpage.getByText(title).click();
  await rpage.waitForURL(`**/appeal/${id}`);
  await rpage.getByRole('heading', { name: title }).waitFor();
  await rpage.locator('.head').getByText('已结案', { exact: true }).waitFor();
  await rpage.getByRole('img', { name: '照片' }).first().waitFor();
  await waitImagesLoaded(rpage);
  await shot(rpage, 'journey-resident-closed');
  // Vant's radio icon is a font glyph, part of the computed name: match the label text.
  const satisfied = rpage.getByRole('radio').filter({ has: rpage.getByText('满意', { exact: true }) });
  await satisfied.click();
  assert.equal(await satisfied.getAttribute('aria-checked'), 'true');
  await rpage.getByRole('button', { name: '提交评价' }).click();
  await rpage.locator('.head').getByText('已评价', { exact: true }).waitFor();
  await rpage.getByText('已评价：满意').waitFor();
  assert.equal(await rpage.getByRole('button', { name: '提交评价' }).count(), 0);

  // The timeline shows every step, newest first.
  const steps = await rpage.locator('.timeline .tl-head strong').allTextContents();
  assert.deepEqual(steps, ['评价', '核查', '办结', '签收', '派单', '受理', '提交诉求']);
  await rpage.getByText('已更换驿站门口路灯灯泡，恢复照明。').waitFor();
  assert.equal(await rpage.getByRole('img', { name: '照片' }).count(), 3, 'the report photo (with the description and its timeline step) and the result photo');
  await waitImagesLoaded(rpage);
  await shot(rpage, 'journey-resident-rated');

  // The console's timeline agrees.
  await settle(sp);
  await sp.reload();
  await statusTag(sp, '已评价').waitFor();
  const cSteps = await sp.locator('.el-timeline-item strong').allTextContents();
  assert.deepEqual(cSteps, ['提交', '受理', '派单', '签收', '办结', '核查', '回访评价']);

  const final = await lq.get(`/api/v1/appeals/${id}`);
  assert.equal(final.body.status, 'rated');
  assert.equal(final.body.rating, 'satisfied');
  assert.equal(final.body.assignee_id, gwId);

  assert.deepEqual(rproblems, []);
  assert.deepEqual(staff.problems, []);
  assert.deepEqual(worker.problems, []);
  await Promise.all([rctx.close(), staff.ctx.close(), worker.ctx.close()]);
});
