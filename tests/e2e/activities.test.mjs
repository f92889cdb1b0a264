// Community activities in the browser: staff publish one at a venue in the
// console; on a 375 px phone a resident signs up and is confirmed, a second
// is waitlisted because it is full, a third is told why they may not sign
// up; at the time, staff check the resident in from the sign-up list and the
// resident sees it. Residents check in alone with the activity's QR code
// (/a/<code>) or the venue's (/v/<code>).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict, addUser } from '../api/lib/district.mjs';
import { openBrowser, advanceClock, watch, shot, DESKTOP, MOBILE } from './lib.mjs';

let srv, browser;
const TITLE = 'E2E 书法体验课';

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  const grid = (await srv.login('gridworker')).user.unit.code;
  addUser(srv.data.dir, 'resident2', 'resident', grid);
  browser = await openBrowser(srv);
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

async function advanceTo(iso) {
  const now = new Date((await srv.json('/api/v1/meta')).body.server_time).getTime();
  await advanceClock(srv, Math.round((new Date(iso).getTime() - now) / 1000));
}

// Choose text in the select whose input is sel, in that select's own list.
async function choose(dialog, sel, text) {
  await dialog.locator(`.el-select:has(${sel})`).click();
  const list = await dialog.locator(sel).getAttribute('aria-controls');
  await dialog.page().locator(`[id="${list}"] .el-select-dropdown__item`, { hasText: text }).first().click();
}
let activity; // the one published in the console

test('staff publish an activity at a venue on its slot grid, with one place, and open its check-in code', async () => {
  const { ctx, page, problems } = await as('longqiao', DESKTOP);
  await page.goto(srv.url('/console/'));
  await page.getByRole('navigation').getByRole('link', { name: '活动管理', exact: true }).click();
  await page.waitForURL('**/console/activities');
  await page.getByRole('button', { name: '发布活动' }).click();
  const dialog = page.getByRole('dialog', { name: '发布活动' });
  await dialog.waitFor();
  await dialog.getByLabel('活动名称').fill(TITLE);
  await choose(dialog, '#ac-venue', '龙桥社区党群服务中心活动室');
  await choose(dialog, '#ac-from', '10:00');
  await choose(dialog, '#ac-to', '11:00');
  await dialog.getByLabel('名额').fill('1');
  await dialog.getByLabel('活动介绍').fill('零基础，笔墨纸砚由社区准备。');
  await shot(page, 'console-activity-dialog');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.locator('.activities tbody tr').filter({ hasText: TITLE });
  await row.waitFor();
  assert.match(await row.innerText(), /10:00–11:00/);
  assert.match(await row.innerText(), /龙桥社区党群服务中心活动室/);
  assert.match(await row.innerText(), /0 \/ 1/);

  const staff = await srv.login('longqiao');
  activity = (await staff.get('/api/v1/activities')).body.items.find((a) => a.title === TITLE);
  assert.equal(activity.capacity, 1);
  assert.equal(activity.booking.status, 'approved', 'the venue is booked for it');
  assert.ok(activity.check_in_code);

  await row.getByRole('button', { name: `${TITLE} 的签到二维码` }).click();
  await page.waitForFunction(() => { const i = document.querySelector('img.qr'); return i && i.complete && i.naturalWidth > 0; });
  await page.getByText(`签到码：${activity.check_in_code}`).waitFor();
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await shot(page, 'console-activities');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('on a phone a resident signs up and is confirmed; the next is waitlisted; one without the tags is told why', async () => {
  const r = await as('resident', MOBILE);
  await r.page.goto(srv.url('/'));
  await r.page.getByRole('link', { name: /社区活动/ }).click();
  await r.page.waitForURL('**/activities');
  const item = r.page.locator(`.activity-${activity.id}`);
  await item.waitFor();
  assert.match(await item.innerText(), /余 1 个名额/);
  await shot(r.page, 'resident-activities');
  await item.click();
  await r.page.waitForURL(`**/activities/${activity.id}`);
  await r.page.getByRole('button', { name: '我要报名' }).click();
  await r.page.locator('.my-state', { hasText: '已报名' }).waitFor();
  assert.equal(await r.page.getByRole('button', { name: '取消报名' }).count(), 1);
  await shot(r.page, 'resident-activity');
  assert.deepEqual(r.problems, []);

  const r2 = await as('resident2', MOBILE);
  await r2.page.goto(srv.url(`/activities/${activity.id}`));
  await r2.page.getByRole('button', { name: '报名候补' }).click();
  await r2.page.locator('.my-state', { hasText: '候补第 1 位' }).waitFor();
  await shot(r2.page, 'resident-activity-waitlisted');
  await r2.page.goto(srv.url('/activities'));
  assert.match(await r2.page.locator(`.activity-${activity.id}`).innerText(), /已满 · 候补 1 人/);
  assert.match(await r2.page.locator(`.activity-${activity.id}`).innerText(), /候补第 1 位/);

  // only for the over-80s: resident2 is bound to no resident record, so has no tags
  const staff = await srv.login('longqiao');
  const d = activity.start.slice(0, 10);
  const elderly = await staff.post('/api/v1/activities', {
    title: 'E2E 高龄老人体检', place: '龙桥社区卫生服务站', start: `${d}T13:00:00+08:00`, end: `${d}T15:00:00+08:00`, capacity: 30, eligibility: ['aged_80_plus'],
  });
  assert.equal(elderly.status, 201, JSON.stringify(elderly.body));
  await r2.page.goto(srv.url(`/activities/${elderly.body.id}`));
  await r2.page.getByText('80 岁以上').waitFor();
  await r2.page.getByRole('button', { name: '我要报名' }).click();
  await r2.page.locator('.refused', { hasText: '无法报名：该活动仅限符合条件的居民报名' }).waitFor();
  assert.equal(await r2.page.getByRole('button', { name: '我要报名' }).count(), 0, 'no button to try again');
  await shot(r2.page, 'resident-activity-refused');
  assert.deepEqual(r2.problems.filter((p) => !/status of 403/.test(p)), []);
  await r2.ctx.close();
  await r.ctx.close();
});

test('at the time staff check the resident in from the sign-up list; the resident sees the attendance', async () => {
  // two more for the QR codes later: at the venue in the afternoon, and at a place
  const staff = await srv.login('longqiao');
  const d = activity.start.slice(0, 10);
  const atVenue = await staff.post('/api/v1/activities', {
    title: 'E2E 下午茶话会', venue_id: activity.venue.id, start: `${d}T15:00:00+08:00`, end: `${d}T16:00:00+08:00`, capacity: 10,
  });
  const atPlace = await staff.post('/api/v1/activities', {
    title: 'E2E 广场舞', place: '龙桥社区广场', start: `${d}T15:00:00+08:00`, end: `${d}T16:00:00+08:00`, capacity: 10,
  });
  assert.equal(atVenue.status, 201, JSON.stringify(atVenue.body));
  assert.equal(atPlace.status, 201, JSON.stringify(atPlace.body));
  const r2 = await srv.login('resident2');
  assert.equal((await r2.post(`/api/v1/activities/${atVenue.body.id}/signups`)).body.status, 'confirmed');
  assert.equal((await r2.post(`/api/v1/activities/${atPlace.body.id}/signups`)).body.status, 'confirmed');

  await advanceTo(new Date(new Date(activity.start).getTime() - 10 * 60e3).toISOString());
  const s = await as('longqiao', DESKTOP);
  await s.page.goto(srv.url('/console/activities'));
  const row = s.page.locator('.activities tbody tr').filter({ hasText: TITLE });
  await row.getByRole('link', { name: '报名名单' }).click();
  await s.page.waitForURL(`**/console/activities/${activity.id}`);
  const name = (await (await srv.login('longqiao')).get(`/api/v1/activities/${activity.id}/signups`)).body.items[0].name;
  const mine = s.page.locator('.signups tbody tr').filter({ hasText: name });
  await mine.waitFor();
  assert.match(await mine.innerText(), /已确认/);
  assert.match(await s.page.locator('.signups tbody tr').nth(1).innerText(), /候补/);
  await mine.getByRole('button', { name: `为 ${name} 签到` }).click();
  await mine.filter({ hasText: '已出席' }).waitFor();
  await s.page.getByText('名额 1 · 已报名 1 · 候补 1 · 已签到 1').waitFor();
  await shot(s.page, 'console-activity-signups');
  assert.deepEqual(s.problems, []);
  await s.ctx.close();

  const r = await as('resident', MOBILE);
  await r.page.goto(srv.url('/activities/mine'));
  const mineRow = r.page.locator(`.my-activity-${activity.id}`);
  await mineRow.waitFor();
  assert.match(await mineRow.innerText(), /已出席/);
  await r.page.getByText('出席 1 次').waitFor();
  await shot(r.page, 'resident-my-activities');
  assert.deepEqual(r.problems, []);
  await r.ctx.close();

  // the afternoon: resident2 scans the venue's code, then the place's activity code
  await advanceTo(`${d}T14:50:00+08:00`);
  const venue = (await (await srv.login('longqiao')).get(`/api/v1/venues/${activity.venue.id}`)).body;
  const p = await as('resident2', MOBILE);
  await p.page.goto(srv.url(`/v/${venue.public_code}`));
  await p.page.getByText('活动签到成功：E2E 下午茶话会').waitFor();
  await p.page.goto(srv.url(`/a/${atPlace.body.check_in_code}`));
  await p.page.getByText('活动签到成功：E2E 广场舞').waitFor();
  await shot(p.page, 'resident-activity-checkin');
  // nothing more is due there
  await p.page.goto(srv.url(`/a/${atPlace.body.check_in_code}`));
  await p.page.getByText('您在这里现在没有可签到的活动报名').waitFor();
  await p.page.goto(srv.url(`/v/${venue.public_code}`));
  await p.page.getByText('您在这里现在没有可签到的预约或活动').waitFor();
  const rec = (await (await srv.login('resident2')).get('/api/v1/activities/attendance')).body;
  assert.equal(rec.items.filter((x) => x.attendance === 'attended').length, 2);
  assert.deepEqual(p.problems.filter((x) => !/status of 409/.test(x)), []);
  await p.ctx.close();
});
