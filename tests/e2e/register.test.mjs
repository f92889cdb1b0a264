// A resident registers on a phone-sized screen, is signed in at once and sees
// that the binding waits for the grid worker; the demo grid worker confirms
// the registration in the console to the resident record with the same phone;
// the resident reloads and sees the household. Pages only — the API is used
// to set up the existing resident record and to find names the pages show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict, login } from '../api/lib/district.mjs';
import { openBrowser, watch, shot, MOBILE, DESKTOP } from './lib.mjs';

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

// Wait until no request has been in flight for 150 ms (see journey.test.mjs).
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

test('a resident registers on the phone and the grid worker binds them to their household in the console', async () => {
  const PHONE = '19912345678', NAME = '赵淑芬', PASSWORD = 'Zhao-Passw0rd-25';

  // The demo grid worker's grid (龙桥社区第1网格), its community and street, and a
  // household there holding a resident record with the phone the resident registers.
  const gw = await login(srv, 'gridworker', srv.passwords.gridworker);
  const grid = gw.user.unit;
  const community = (await gw.get(`/api/v1/units/${grid.id}`)).body.parent_id;
  const admin = await login(srv, 'district', srv.passwords.district);
  const comm = (await admin.get(`/api/v1/units/${community}`)).body;
  const street = (await admin.get(`/api/v1/units/${comm.parent_id}`)).body;
  const hh = (await gw.get(`/api/v1/households?unit=${grid.id}&limit=1`)).body.items[0];
  const building = (await gw.get(`/api/v1/units/${hh.building_id}`)).body;
  const made = await gw.post('/api/v1/residents', { household_id: hh.id, name: NAME, phone: PHONE });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const residentId = made.body.id;

  // 1. Register on a 375 px screen, from the sign-in page's link.
  const rctx = await browser.newContext(MOBILE);
  const rpage = track(await rctx.newPage());
  const rproblems = watch(rpage);
  await rpage.goto(srv.url('/login'));
  await rpage.getByRole('link', { name: '用手机号注册' }).click();
  await rpage.waitForURL('**/register');
  await rpage.getByLabel('手机号').fill(PHONE);
  await rpage.getByLabel('姓名').fill(NAME);
  await rpage.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await rpage.getByLabel('确认密码').fill('Zhao-Passw0rd-26');
  await rpage.getByLabel('住址').fill(`${building.name} ${hh.room}`);
  await rpage.getByLabel('备注').fill('与女儿同住');
  // what the form says before the grid is chosen and while the passwords differ
  await rpage.getByRole('button', { name: '注册并登录' }).click();
  await rpage.getByText('请选择所在网格').waitFor();
  await rpage.getByText('两次输入的密码不一致').waitFor();
  await rpage.getByLabel('确认密码').fill(PASSWORD);

  await rpage.getByTestId('grid-field').click();
  for (const name of [street.name, comm.name, grid.name]) {
    const opt = rpage.getByRole('menuitemradio', { name, exact: true });
    await opt.waitFor();
    await opt.click();
  }
  await rpage.locator('.van-cascader').waitFor({ state: 'hidden' });
  assert.equal(await rpage.getByLabel('所在网格').inputValue(), `${street.name} / ${comm.name} / ${grid.name}`);
  await shot(rpage, 'register-form');

  await rpage.getByRole('button', { name: '注册并登录' }).click();
  await rpage.waitForURL(srv.url('/'));
  const card = rpage.getByTestId('registration-card');
  await card.getByText('等待网格员确认').waitFor();
  assert.match(await card.innerText(), new RegExp(grid.name));
  assert.match(await rpage.locator('.account').innerText(), new RegExp(NAME), 'signed in as the new resident');
  await rpage.locator('.van-toast').waitFor({ state: 'hidden' });
  await settle(rpage);
  await shot(rpage, 'register-pending');

  // The same status on 我的.
  await rpage.getByRole('link', { name: /我的诉求/ }).click();
  await rpage.waitForURL('**/mine');
  await rpage.getByTestId('registration-card').getByText('等待网格员确认').waitFor();
  await settle(rpage);

  // 2. The demo grid worker confirms it in the console, to the record with the same phone.
  const cctx = await browser.newContext(DESKTOP);
  const cpage = track(await cctx.newPage());
  const cproblems = watch(cpage);
  await cpage.goto(srv.url('/console/login'));
  await cpage.getByLabel('用户名').fill('gridworker');
  await cpage.getByLabel('密码').fill(srv.passwords.gridworker);
  await cpage.getByRole('button', { name: '登录' }).click();
  await cpage.getByRole('navigation').getByRole('link', { name: '居民注册审核', exact: true }).click();
  await cpage.waitForURL('**/console/registrations');
  const reg = (await gw.get('/api/v1/registrations?status=pending&limit=500')).body.items.find((x) => x.name === NAME);
  assert.ok(reg, 'the registration is pending for the grid worker');
  const row = cpage.locator(`.registrations tr.registration-${reg.id}`);
  await row.waitFor();
  assert.match(await row.innerText(), /199\*\*\*\*5678/);
  assert.ok(!(await row.innerText()).includes(PHONE), 'the phone is masked');
  await row.getByRole('button', { name: '审核' }).click();
  const drawer = cpage.getByRole('dialog', { name: `注册申请：${NAME}` });
  await drawer.waitFor();
  // no SMS confirms the number: the reviewer is told to check it in person
  assert.match(await drawer.locator('.unverified').innerText(), /手机号未经验证[\s\S]*当面核实/);
  assert.equal(await drawer.locator('.phone-unverified').innerText(), '未验证');
  const candidate = drawer.getByRole('radio', { name: new RegExp(`${NAME} · 199\\*\\*\\*\\*5678 · ${building.name} ${hh.room}`) });
  await candidate.waitFor({ state: 'attached' });
  await drawer.locator('.candidate').filter({ hasText: NAME }).click();
  await settle(cpage);
  await shot(cpage, 'register-console');
  await drawer.getByRole('button', { name: '确认绑定' }).click();
  const box = cpage.locator('.el-message-box');
  await box.waitFor();
  assert.match(await box.innerText(), new RegExp(NAME));
  assert.match(await box.innerText(), /当面核实/);
  await box.getByRole('button', { name: '确定' }).click();
  await drawer.waitFor({ state: 'hidden' });
  await cpage.getByText('已确认绑定').waitFor();
  await row.waitFor({ state: 'detached' });
  const done = (await gw.get(`/api/v1/registrations/${reg.id}`)).body;
  assert.equal(done.status, 'confirmed');
  assert.equal(done.resident_id, residentId);

  // 3. The resident reloads: the household is bound, the waiting card is gone.
  await rpage.goto(srv.url('/'));
  const bound = rpage.getByTestId('registration-card');
  await bound.getByText('已绑定住户').waitFor();
  assert.equal(await bound.getByTestId('household').innerText(), `${building.name} ${hh.room}`);
  assert.equal(await rpage.getByText('等待网格员确认').count(), 0);
  await settle(rpage);
  await shot(rpage, 'register-bound');

  assert.deepEqual(rproblems, []);
  assert.deepEqual(cproblems, []);
  await rctx.close();
  await cctx.close();
});

test('from a station QR page, registering starts with the station grid chosen', async () => {
  const gw = await login(srv, 'gridworker', srv.passwords.gridworker);
  const st = (await gw.get(`/api/v1/stations?unit=${gw.user.unit.id}&limit=1`)).body.items[0];
  assert.ok(st, 'a station in the grid');
  const ctx = await browser.newContext(MOBILE);
  const page = track(await ctx.newPage());
  const problems = watch(page);
  await page.goto(srv.url(`/s/${st.public_code}`));
  await page.getByRole('link', { name: '注册账号' }).click();
  await page.waitForURL(`**/register?station=${st.public_code}`);
  await page.waitForFunction((name) => document.querySelector('[data-testid="grid-field"] input')?.value === name, gw.user.unit.name);
  await settle(page);
  assert.deepEqual(problems, []);
  await ctx.close();
});
