// Meal assistance (助餐) in the browser, one real journey through both apps.
// The demo resident is young and has no tags, so the community's meal point
// (for residents over 80, living alone or in an all-elderly household) turns
// their own application down, in words. Their grandmother, 85, lives in the
// same household: the grid worker applies for her in the console, the
// community approves, the resident orders her lunch for tomorrow on a phone
// (and cancels one for the day after), staff put it into a delivery round for
// the demo volunteer, the volunteer confirms the delivery the next day, and
// the month's statement shows the meal at its price and subsidy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { openBrowser, advanceClock, watch, shot, audit, DESKTOP, MOBILE } from './lib.mjs';

const POINT = '龙桥社区长者助餐点';
const ELDER = '测试龙奶奶';
let srv, browser, point, elderId, tomorrow, dayAfter;

const shanghaiDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10);
const addDays = (day, k) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + k);
  return d.toISOString().slice(0, 10);
};
const serverNow = async () => new Date((await srv.json('/api/v1/meta')).body.server_time).getTime();

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
  const staff = await srv.login('longqiao');
  point = (await staff.get('/api/v1/meal-points?limit=200')).body.items.find((p) => p.name === POINT);
  assert.ok(point, 'the demo gives every community a meal point');
  assert.deepEqual([point.price_fen, point.subsidy_fen, point.order_cutoff], [1500, 1000, '09:00']);
  // the resident's grandmother joins their household record (as the grid worker would enter her)
  const resident = await srv.login('resident');
  const me = await resident.get(`/api/v1/residents/${resident.user.resident_id}`);
  assert.equal(me.status, 200, JSON.stringify(me.body));
  const made = await staff.post('/api/v1/residents', { household_id: me.body.household_id, name: ELDER, birth_date: '1940-03-05' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  elderId = made.body.id;
  tomorrow = addDays(shanghaiDay(await serverNow()), 1);
  dayAfter = addDays(tomorrow, 1);
});

after(async () => {
  await browser?.close();
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

async function as(username, options) {
  const who = await srv.login(username);
  const ctx = await browser.newContext(options);
  await ctx.addCookies([{ name: 'shuniu_session', value: who.cookie, url: srv.url('/') }]);
  const page = await ctx.newPage();
  return { who, ctx, page, problems: watch(page) };
}

// Pick an option of an Element Plus select: open it, type to filter when asked, click the option.
async function choose(page, select, text, type) {
  await select.click();
  if (type) await select.locator('input').pressSequentially(type);
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
  await option.waitFor();
  await option.click();
}

test('the meal point lists what it offers; a resident who does not qualify is told why', async () => {
  const { ctx, page, problems } = await as('resident', MOBILE);
  await page.goto(srv.url('/'));
  await page.getByRole('link', { name: /助餐/ }).click();
  await page.waitForURL('**/meals');
  const cell = page.locator('.meal-point', { hasText: POINT });
  await cell.waitFor();
  const text = await cell.innerText();
  assert.match(text, /集中就餐/);
  assert.match(text, /送餐上门/);
  assert.match(text, /每餐 15\.00 元，补贴 10\.00 元，个人支付 5\.00 元/);
  assert.match(text, /每天 09:00 前可订当天的餐/);
  assert.match(text, /80 岁以上、独居、纯老家庭/);
  await shot(page, 'resident-meals');
  await cell.click();
  await page.waitForURL(`**/meals/${point.id}`);
  await page.getByRole('button', { name: '为本人申请助餐' }).click();
  await page.getByRole('alert').filter({ hasText: '不符合该助餐点的申请条件（需：80 岁以上、独居、纯老家庭）' }).waitFor();
  const mine = (await (await srv.login('resident')).get('/api/v1/meal-enrolments')).body.items;
  assert.deepEqual(mine, [], 'nothing was stored');
  assert.deepEqual(problems.filter((p) => !/status of 409/.test(p)), []);
  await ctx.close();
});

test('the grid worker applies for the grandmother in the console and the community approves her', async () => {
  const g = await as('gridworker', DESKTOP);
  await g.page.goto(srv.url('/console/'));
  await g.page.getByRole('navigation').getByRole('link', { name: '助餐代申请', exact: true }).click();
  await g.page.waitForURL('**/console/meal-apply');
  await g.page.getByRole('button', { name: '代居民申请' }).click();
  const dialog = g.page.getByRole('dialog', { name: '代居民申请' });
  await dialog.waitFor();
  await choose(g.page, dialog.locator('.meal-point-select'), POINT);
  await choose(g.page, dialog.locator('.el-form-item', { hasText: '居民' }).locator('.el-select'), ELDER, ELDER);
  await dialog.getByLabel('备注').fill('腿脚不便，需要送餐');
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = g.page.locator('.meal-enrolments tbody tr').filter({ hasText: ELDER });
  await row.waitFor();
  assert.match(await row.innerText(), /待审核/);
  assert.match(await row.innerText(), /80岁以上/);
  await shot(g.page, 'console-meal-apply');
  assert.deepEqual(g.problems, []);
  await g.ctx.close();

  const s = await as('longqiao', DESKTOP);
  await s.page.goto(srv.url('/console/'));
  await s.page.getByRole('navigation').getByRole('link', { name: '助餐申请审核', exact: true }).click();
  await s.page.waitForURL('**/console/meal-enrolments');
  const srow = s.page.locator('.meal-enrolments tbody tr').filter({ hasText: ELDER });
  await srow.waitFor();
  assert.match(await srow.innerText(), /工作人员代申请/);
  await shot(s.page, 'console-meal-enrolments');
  await srow.getByRole('button', { name: '通过' }).click();
  await srow.filter({ hasText: '已通过' }).waitFor();
  assert.deepEqual(s.problems, []);
  await s.ctx.close();
  const e = (await (await srv.login('longqiao')).get(`/api/v1/meal-enrolments?resident=${elderId}`)).body.items;
  assert.deepEqual(e.map((x) => [x.status, x.applied_as]), [['approved', 'staff']]);
});

test('the resident orders the grandmother\'s lunch for tomorrow on a phone, and cancels one for the day after', async () => {
  const { who, ctx, page, problems } = await as('resident', MOBILE);
  const order = async (day, mode) => {
    await page.goto(srv.url(`/meals/${point.id}`));
    await page.getByText(`用餐人：${ELDER}`).waitFor();
    await page.locator('.day', { hasText: day.slice(5).replace('-', '/') }).click();
    await page.getByRole('radio', { name: mode }).click();
    if (day === tomorrow) {
      await shot(page, 'resident-meal-point');
      assert.deepEqual(await audit(page), [], 'the order form is labelled and legible');
    }
    await page.getByRole('button', { name: '确认订餐' }).click();
    await page.waitForURL('**/meals/mine');
  };
  await order(tomorrow, '送餐上门');
  const row = page.locator('.meal-order', { hasText: tomorrow });
  await row.waitFor();
  assert.match(await row.innerText(), /已预订/);
  assert.match(await row.innerText(), /送餐上门/);
  assert.match(await row.innerText(), new RegExp(`用餐人：${ELDER}`));
  assert.match(await row.innerText(), /个人支付 5\.00 元/);
  await order(dayAfter, '集中就餐');
  const later = page.locator('.meal-order', { hasText: dayAfter });
  await later.getByRole('button', { name: '取消订餐' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
  await later.filter({ hasText: '已取消' }).waitFor();
  // the application reads as approved, made by the grid worker
  assert.match(await page.locator('.enrolment', { hasText: POINT }).innerText(), /已通过[\s\S]*网格员代申请/);
  await page.locator('.van-dialog').waitFor({ state: 'hidden' });
  await page.locator('.van-toast').waitFor({ state: 'hidden' });
  await shot(page, 'resident-meals-mine');
  // the day already ordered is marked on the point's page
  await page.goto(srv.url(`/meals/${point.id}`));
  await page.locator('.day.taken', { hasText: tomorrow.slice(5).replace('-', '/') }).waitFor();
  const orders = (await who.get('/api/v1/meal-orders')).body.items;
  assert.deepEqual(orders.map((o) => [o.day, o.mode, o.status, o.price_fen, o.subsidy_fen]).sort(), [
    [tomorrow, 'meal_delivery', 'ordered', 1500, 1000],
    [dayAfter, 'dine_in', 'cancelled', 1500, 1000],
  ]);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('staff create a delivery round for the demo volunteer and put the order into it', async () => {
  const { ctx, page, problems } = await as('longqiao', DESKTOP);
  await page.goto(srv.url(`/console/meal-orders?point=${point.id}&day=${tomorrow}`));
  const row = page.locator('.meal-orders tbody tr').filter({ hasText: ELDER });
  await row.waitFor();
  assert.match(await row.innerText(), /送餐上门[\s\S]*已预订[\s\S]*未分配/);
  assert.match(await page.locator('.summary').innerText(), /1 份订餐[\s\S]*送餐上门 1 份/);
  await page.getByRole('button', { name: '新建配送批次' }).click();
  const dialog = page.getByRole('dialog', { name: '新建配送批次' });
  await dialog.waitFor();
  await dialog.getByLabel('批次名称').fill('午餐第一趟');
  await choose(page, dialog.locator('.el-select'), '先锋志愿者');
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('.meal-rounds tbody tr', { hasText: '午餐第一趟' }).waitFor();
  await row.locator('.el-checkbox').click();
  await page.getByRole('button', { name: '分配', exact: true }).click();
  await row.filter({ hasText: '午餐第一趟' }).waitFor();
  const round = page.locator('.meal-rounds tbody tr', { hasText: '午餐第一趟' });
  await round.filter({ hasText: '已送达 0/1' }).waitFor();
  assert.match(await round.innerText(), /先锋志愿者/);
  await shot(page, 'console-meal-orders');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the next day the volunteer confirms the delivery in the console; the statement and coverage show it', async () => {
  // to 11:00 tomorrow in Shanghai: the meal's day, past its cut-off (sessions end: sign in again)
  const secs = Math.round((new Date(`${tomorrow}T11:00:00+08:00`).getTime() - (await serverNow())) / 1000);
  await advanceClock(srv, secs);

  const v = await as('volunteer', DESKTOP);
  await v.page.goto(srv.url('/console/'));
  await v.page.waitForURL('**/console/my-deliveries');
  const card = v.page.locator('.round', { hasText: '午餐第一趟' });
  await card.waitFor();
  assert.match(await card.innerText(), new RegExp(`${tomorrow}[\\s\\S]*${POINT}[\\s\\S]*已送达 0/1`));
  await card.getByRole('button', { name: '查看送餐名单' }).click();
  const item = card.locator('tbody tr', { hasText: ELDER });
  await item.waitFor();
  assert.match(await item.innerText(), /送餐上门/);
  await item.getByRole('button', { name: '确认送达' }).click();
  await item.filter({ hasText: '已送达' }).waitFor();
  await card.filter({ hasText: '已送达 1/1' }).waitFor();
  await shot(v.page, 'console-my-deliveries');
  assert.deepEqual(await audit(v.page), [], 'the delivery list is labelled and legible');
  assert.deepEqual(v.problems, []);
  await v.ctx.close();

  // the resident sees it delivered; today can no longer be ordered
  const r = await as('resident', MOBILE);
  await r.page.goto(srv.url('/meals/mine'));
  await r.page.locator('.meal-order', { hasText: tomorrow }).filter({ hasText: '已送达' }).waitFor();
  await r.page.goto(srv.url(`/meals/${point.id}`));
  await r.page.locator('.day').first().waitFor();
  assert.ok(!(await r.page.locator('.day', { hasText: tomorrow.slice(5).replace('-', '/') }).count()), 'past the cut-off: not offered');
  assert.deepEqual(r.problems, []);
  await r.ctx.close();

  const s = await as('longqiao', DESKTOP);
  const month = tomorrow.slice(0, 7);
  await s.page.goto(srv.url('/console/'));
  await s.page.getByRole('navigation').getByRole('link', { name: '助餐月度结算', exact: true }).click();
  await s.page.waitForURL('**/console/meal-statement');
  // let the page's first statement load finish, or the goto below cuts it short
  await s.page.waitForLoadState('networkidle');
  await s.page.goto(srv.url(`/console/meal-statement?point=${point.id}&month=${month}`));
  const sheet = s.page.locator('.sheet');
  await sheet.locator('.sheet-title', { hasText: `${POINT} · ${month}` }).waitFor();
  assert.equal(await sheet.locator('dd.meals').innerText(), '1');
  assert.equal(await sheet.locator('dd.price').innerText(), '15.00');
  assert.equal(await sheet.locator('dd.subsidy').innerText(), '10.00');
  assert.equal(await sheet.locator('dd.share').innerText(), '5.00');
  assert.match(await sheet.locator('.by-mode tr', { hasText: '送餐上门' }).innerText(), /1\s+15\.00\s+10\.00\s+5\.00/);
  assert.match(await sheet.locator('.by-day tbody tr').first().innerText(), new RegExp(`${tomorrow}\\s+0\\s+1\\s+0\\s+1\\s+15\\.00\\s+10\\.00\\s+5\\.00`));
  await shot(s.page, 'console-meal-statement');
  const st = (await (await srv.login('longqiao')).get(`/api/v1/meal-points/${point.id}/statement?month=${month}`)).body;
  assert.deepEqual([st.meals, st.price_total_fen, st.subsidy_total_fen, st.resident_share_fen], [1, 1500, 1000, 500]);

  await s.page.getByRole('navigation').getByRole('link', { name: '助餐覆盖', exact: true }).click();
  await s.page.waitForURL('**/console/meal-coverage');
  const cov = s.page.locator('.meal-coverage tbody tr', { hasText: '龙桥社区' });
  await cov.waitFor();
  const cells = await cov.locator('td').allInnerTexts();
  assert.equal(cells[0].trim(), '龙桥社区');
  assert.equal(cells[1].trim(), '1');
  assert.equal(cells[4].trim(), '1', 'enrolled');
  assert.equal(cells[6].trim(), '1', 'served this month');
  await shot(s.page, 'console-meal-coverage');
  assert.deepEqual(s.problems, []);
  await s.ctx.close();
});

test('staff create a meal point with the price in yuan; the server keeps fen', async () => {
  const { ctx, page, problems } = await as('longqiao', DESKTOP);
  await page.goto(srv.url('/console/'));
  await page.getByRole('navigation').getByRole('link', { name: '助餐点管理', exact: true }).click();
  await page.waitForURL('**/console/meal-points');
  await page.locator('.meal-points tbody tr', { hasText: POINT }).waitFor();
  await page.getByRole('button', { name: '新建助餐点' }).click();
  const dialog = page.getByRole('dialog', { name: '新建助餐点' });
  await dialog.waitFor();
  await dialog.getByLabel('助餐点名称').fill('E2E 送菜点');
  await dialog.locator('.el-checkbox', { hasText: '送菜上门' }).click();
  await dialog.getByLabel('每餐价格（元）').fill('12.5');
  await dialog.getByLabel('每餐补贴（元）').fill('13');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.getByText('补贴不能高于价格').waitFor();
  await dialog.getByLabel('每餐补贴（元）').fill('8.05');
  await dialog.locator('.el-checkbox', { hasText: '独居' }).click();
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.locator('.meal-points tbody tr', { hasText: 'E2E 送菜点' });
  await row.waitFor();
  assert.match(await row.innerText(), /12\.50 \/ 补贴 8\.05 \/ 自付 4\.45/);
  assert.match(await row.innerText(), /集中就餐、送菜上门/);
  const made = (await (await srv.login('longqiao')).get('/api/v1/meal-points?limit=200')).body.items.find((p) => p.name === 'E2E 送菜点');
  assert.deepEqual([made.price_fen, made.subsidy_fen, made.resident_share_fen, made.order_cutoff], [1250, 805, 445, '09:00']);
  assert.deepEqual(made.modes, ['dine_in', 'grocery_delivery']);
  assert.deepEqual(made.eligibility, ['aged_80_plus', 'living_alone']);
  await shot(page, 'console-meal-points');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('staff serve a dine-in meal and reject an application with a reason; the family sees both and withdraws', async () => {
  const staff = await srv.login('longqiao');
  const resident = await srv.login('resident');
  const gw = await srv.login('gridworker');
  const me = (await resident.get(`/api/v1/residents/${resident.user.resident_id}`)).body;
  // the grandfather, also 80+, applied for by the grid worker
  const gf = await staff.post('/api/v1/residents', { household_id: me.household_id, name: '测试龙爷爷', birth_date: '1938-08-08' });
  assert.equal(gf.status, 201, JSON.stringify(gf.body));
  const applied = await gw.post('/api/v1/meal-enrolments', { point_id: point.id, resident_id: gf.body.id });
  assert.equal(applied.status, 201, JSON.stringify(applied.body));
  // the grandmother's dine-in lunch the day after tomorrow, and one more the day after that
  const enrolment = (await resident.get(`/api/v1/meal-enrolments?resident=${elderId}`)).body.items[0];
  for (const [day, mode] of [[dayAfter, 'dine_in'], [addDays(dayAfter, 1), 'meal_delivery']]) {
    const r = await resident.post('/api/v1/meal-orders', { enrolment_id: enrolment.id, day, mode });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const secs = Math.round((new Date(`${dayAfter}T12:00:00+08:00`).getTime() - (await serverNow())) / 1000);
  await advanceClock(srv, secs);

  const s = await as('longqiao', DESKTOP);
  await s.page.goto(srv.url(`/console/meal-orders?point=${point.id}&day=${dayAfter}`));
  // the day's list: the cancelled order of yesterday's test and the live one
  const rows = s.page.locator('.meal-orders tbody tr').filter({ hasText: ELDER });
  await rows.filter({ hasText: '已取消' }).waitFor();
  const row = rows.filter({ hasText: '已预订' });
  await row.getByRole('button', { name: '确认就餐' }).click();
  await rows.filter({ hasText: '已就餐' }).waitFor();
  assert.equal(await rows.filter({ hasText: '已取消' }).getByRole('button').count(), 0, 'nothing to do with a cancelled order');
  // who served it shows once the list has reloaded
  await rows.filter({ hasText: '已就餐' }).filter({ hasText: '龙桥社区 工作人员' }).waitFor();
  await s.page.goto(srv.url('/console/meal-enrolments'));
  const pending = s.page.locator('.meal-enrolments tbody tr').filter({ hasText: '测试龙爷爷' });
  await pending.getByRole('button', { name: '驳回' }).click();
  const box = s.page.getByRole('dialog', { name: '驳回' });
  await box.getByRole('textbox').fill('已由子女每日送餐');
  await box.getByRole('button', { name: '确定' }).click();
  await pending.filter({ hasText: '未通过' }).filter({ hasText: '已由子女每日送餐' }).waitFor();
  assert.deepEqual(s.problems, []);
  await s.ctx.close();

  const r = await as('resident', MOBILE);
  await r.page.goto(srv.url('/meals/mine'));
  await r.page.locator('.meal-order', { hasText: dayAfter }).filter({ hasText: '已就餐' }).waitFor();
  const rejected = r.page.locator('.enrolment', { hasText: '测试龙爷爷' });
  assert.match(await rejected.innerText(), /未通过[\s\S]*说明：已由子女每日送餐/);
  const approved = r.page.locator('.enrolment', { hasText: `用餐人：${ELDER}` });
  await approved.getByRole('button', { name: '退出助餐' }).click();
  await r.page.getByRole('dialog').getByRole('button', { name: '确认' }).click();
  await approved.filter({ hasText: '已退出' }).waitFor();
  await r.page.locator('.meal-order', { hasText: addDays(dayAfter, 1) }).filter({ hasText: '已取消' }).waitFor();
  assert.equal(r.page.url(), srv.url('/meals/mine'), 'the withdraw button does not follow the row\'s link');
  assert.deepEqual(r.problems, []);
  await r.ctx.close();
  const after = (await resident.get(`/api/v1/meal-enrolments/${enrolment.id}`));
  assert.equal(after.status, 401, 'the clock moved: that session ended');
  const again = await srv.login('resident');
  assert.equal((await again.get(`/api/v1/meal-enrolments/${enrolment.id}`)).body.status, 'withdrawn');
});
