// The console's organisation page: the scope's unit tree loads lazily, a
// building lists its residents masked, and revealing one asks first, shows
// the plaintext the server gives and leaves a row in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { openBrowser, watch, shot, DESKTOP } from './lib.mjs';

let srv, browser;

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
});

after(async () => {
  await browser?.close();
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

test('the unit tree opens to a building whose residents are masked, and a confirmed reveal shows and audits them', async () => {
  const staff = await srv.login('longqiao');
  const gw = await srv.login('gridworker');
  const gridId = gw.user.unit.id;
  // a building of the grid worker's grid with a resident who has a phone
  const buildings = (await staff.get(`/api/v1/units?parent=${gridId}&limit=500`)).body.items;
  let building, resident;
  for (const b of buildings) {
    const rs = (await staff.get(`/api/v1/residents?unit=${b.id}&limit=30`)).body.items;
    resident = rs.find((r) => r.phone && r.phone.includes('****'));
    if (resident) { building = b; break; }
  }
  assert.ok(building, 'a building with a resident who has a phone');
  // the path from the account's unit down to the grid
  const path = [];
  for (let id = gridId; id && id !== staff.user.unit.id; ) {
    path.unshift(id);
    id = (await staff.get(`/api/v1/units/${id}`)).body.parent_id;
  }

  const ctx = await browser.newContext(DESKTOP);
  await ctx.addCookies([{ name: 'shuniu_session', value: staff.cookie, url: srv.url('/') }]);
  const page = await ctx.newPage();
  const problems = watch(page);
  const reveals = [];
  page.on('request', (r) => { if (r.url().includes('/reveal')) reveals.push(r.method()); });
  await page.goto(srv.url('/console/'));
  await page.getByRole('navigation').getByRole('link', { name: '组织与居民', exact: true }).click();
  await page.waitForURL('**/console/org');
  assert.equal(await page.locator('nav [aria-current=page]').innerText(), '组织与居民');

  const node = (id) => page.locator(`.el-tree-node__content:has([data-unit-id="${id}"])`);
  for (const id of path) {
    await node(id).waitFor();
    await node(id).locator('.el-tree-node__expand-icon').click();
  }
  await node(building.id).waitFor();
  await node(building.id).click();
  await page.waitForSelector(`.detail h2:has-text("${building.name}")`);

  const row = page.locator(`.residents tr.resident-${resident.id}`);
  await row.waitFor();
  assert.match(await row.locator('.phone').innerText(), /\*\*\*\*/);

  // cancel: nothing is sent and the phone stays masked
  await row.getByRole('button', { name: `查看 ${resident.name} 的手机号和身份证号` }).click();
  const box = page.locator('.el-message-box');
  await box.waitFor();
  assert.match(await box.innerText(), /审计日志/);
  await box.getByRole('button', { name: '取消' }).click();
  await box.waitFor({ state: 'hidden' });
  assert.deepEqual(reveals, []);
  assert.equal(await row.locator('.phone').innerText(), resident.phone);

  // confirm: the plaintext is shown
  await row.getByRole('button', { name: `查看 ${resident.name} 的手机号和身份证号` }).click();
  await box.waitFor();
  await box.getByRole('button', { name: '确定' }).click();
  await row.locator('.phone.plain').waitFor();
  await box.waitFor({ state: 'hidden' });
  assert.deepEqual(reveals, ['POST']);
  const shownPhone = await row.locator('.phone').innerText();
  const shownId = await row.locator('.id-number').innerText();
  assert.doesNotMatch(shownPhone, /\*/);
  await shot(page, 'console-org');

  // the reveal was audited
  const auditor = await srv.login('auditor');
  const audit = (await auditor.get('/api/v1/audit?action=resident.reveal&limit=50')).body.items;
  assert.ok(audit.some((a) => a.action === 'resident.reveal' && String(a.object_id) === String(resident.id)), JSON.stringify(audit));

  // and what was shown is what the server reveals
  const plain = (await staff.post(`/api/v1/residents/${resident.id}/reveal`)).body;
  assert.equal(shownPhone, plain.phone);
  assert.equal(shownId, plain.id_number || '—');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('community staff add a grid, rename it, give it a station, and may delete it only once it is empty', async () => {
  const staff = await srv.login('longqiao');
  const community = staff.user.unit;
  const ctx = await browser.newContext(DESKTOP);
  await ctx.addCookies([{ name: 'shuniu_session', value: staff.cookie, url: srv.url('/') }]);
  const page = await ctx.newPage();
  const problems = watch(page);
  const conflicts = [];
  page.on('response', (r) => { if (r.status() === 409) conflicts.push(new URL(r.url()).pathname); });
  await page.goto(srv.url('/console/org'));
  await page.waitForSelector(`.detail h2:has-text("${community.name}")`);
  const node = (name) => page.locator('.el-tree-node__content').filter({ hasText: name });
  const dialog = page.locator('.el-dialog');

  // a new grid under the community: it appears in the tree
  await page.getByRole('button', { name: '新建下级单位' }).click();
  await dialog.waitFor();
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.getByText('请填写名称').waitFor(); // the name is required; nothing sent
  await dialog.getByLabel('单位名称').fill('E2E 测试网格');
  await dialog.getByLabel('党组织书记').fill('王书记');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await node('E2E 测试网格').waitFor();
  const grid = (await staff.get(`/api/v1/units?parent=${community.id}&q=${encodeURIComponent('E2E 测试网格')}`)).body.items[0];
  assert.equal(grid.kind, 'grid');
  assert.equal(grid.party_secretary, '王书记');

  // renamed: the tree follows
  await node('E2E 测试网格').click();
  await page.waitForSelector('.detail h2:has-text("E2E 测试网格")');
  await page.getByRole('button', { name: '编辑单位' }).click();
  await dialog.waitFor();
  assert.equal(await dialog.getByLabel('单位名称').inputValue(), 'E2E 测试网格');
  await dialog.getByLabel('单位名称').fill('E2E 网格甲');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await node('E2E 网格甲').waitFor();
  await page.waitForSelector('.detail h2:has-text("E2E 网格甲")');
  assert.equal((await staff.get(`/api/v1/units/${grid.id}`)).body.name, 'E2E 网格甲');

  // a station in the grid: one coordinate alone is refused before sending
  await page.getByRole('tab', { name: '服务站' }).click();
  await page.getByRole('button', { name: '新建服务站' }).click();
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /E2E 网格甲/);
  await dialog.getByLabel('服务站名称').fill('E2E 驿站');
  await dialog.getByLabel('地址').fill('测试路 8 号');
  await dialog.getByLabel('经度').fill('abc');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.getByText('请填写有效的经纬度').waitFor();
  await dialog.getByLabel('经度').fill('120.61');
  await dialog.getByLabel('纬度').fill('31.30');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.locator('.stations tbody tr').filter({ hasText: 'E2E 驿站' });
  await row.waitFor();
  const station = (await staff.get(`/api/v1/stations?unit=${grid.id}`)).body.items[0];
  assert.equal(station.name, 'E2E 驿站');
  assert.equal(station.lat, 31.3);
  assert.match(await row.innerText(), new RegExp(station.public_code));

  // edited
  await row.getByRole('button', { name: '编辑服务站 E2E 驿站' }).click();
  await dialog.waitFor();
  await dialog.getByLabel('开放时间').fill('周一至周日 8:00-20:00');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await row.filter({ hasText: '周一至周日 8:00-20:00' }).waitFor();
  await shot(page, 'console-org-stations');

  // not empty: the refusal reads in Chinese and the grid stays
  await page.getByRole('button', { name: '删除单位' }).click();
  const box = page.locator('.el-message-box');
  await box.getByRole('button', { name: '删除单位' }).click();
  await page.locator('.el-message--error').filter({ hasText: '不能删除' }).waitFor();
  assert.deepEqual(conflicts, [`/api/v1/units/${grid.id}`]);
  assert.equal((await staff.get(`/api/v1/units/${grid.id}`)).status, 200);

  // an empty grid goes, and the tree with it
  await node(community.name).first().click();
  await page.getByRole('button', { name: '新建下级单位' }).click();
  await dialog.getByLabel('单位名称').fill('E2E 空网格');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await node('E2E 空网格').click();
  await page.waitForSelector('.detail h2:has-text("E2E 空网格")');
  await page.getByRole('button', { name: '删除单位' }).click();
  await box.getByRole('button', { name: '删除单位' }).click();
  await node('E2E 空网格').waitFor({ state: 'detached' });
  await page.waitForSelector(`.detail h2:has-text("${community.name}")`);

  // the only console errors are the browser's notes on the one expected 409
  const rest = problems.filter((p) => !/status of 409/.test(p));
  assert.deepEqual(rest, []);
  await ctx.close();
});

test('the district moves a grid to another community with the unit picker', async () => {
  const admin = await srv.login('district');
  const staff = await srv.login('longqiao');
  const longqiao = staff.user.unit;
  const street = (await admin.get(`/api/v1/units/${longqiao.id}`)).body.parent_id;
  const other = (await admin.get(`/api/v1/units?parent=${street}&limit=10`)).body.items.find((u) => u.id !== longqiao.id);
  const made = await admin.post('/api/v1/units', { parent_id: longqiao.id, name: 'E2E 待迁网格' });
  assert.equal(made.status, 201);

  const ctx = await browser.newContext(DESKTOP);
  await ctx.addCookies([{ name: 'shuniu_session', value: admin.cookie, url: srv.url('/') }]);
  const page = await ctx.newPage();
  const problems = watch(page);
  await page.goto(srv.url('/console/org'));
  const node = (id) => page.locator(`.el-tree-node__content:has([data-unit-id="${id}"])`);
  for (const id of [admin.user.unit.id, street, longqiao.id]) {
    await node(id).waitFor();
    if (id !== admin.user.unit.id) await node(id).locator('.el-tree-node__expand-icon').click();
  }
  await node(made.body.id).click();
  await page.waitForSelector('.detail h2:has-text("E2E 待迁网格")');
  await page.getByRole('button', { name: '移动' }).click();
  const dialog = page.getByRole('dialog', { name: '移动' });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /社区下/);
  await dialog.getByLabel('新的上级单位').click();
  await page.keyboard.type(other.name);
  await page.locator('.el-select-dropdown__item').filter({ hasText: other.name }).first().click();
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await node(made.body.id).waitFor({ state: 'detached' });
  const moved = (await admin.get(`/api/v1/units/${made.body.id}`)).body;
  assert.equal(moved.parent_id, other.id);
  assert.ok(moved.code.startsWith(other.code), `${moved.code} under ${other.code}`);
  // the community's staff no longer see it
  assert.equal((await staff.get(`/api/v1/units/${made.body.id}`)).status, 404);
  assert.deepEqual(problems, []);
  await ctx.close();
});
