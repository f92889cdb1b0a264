// Venue booking in the browser: a resident books the activity room on a
// phone; a booking of the meeting room waits for the community's approval
// in the console; the resident checks in by opening the venue's QR link;
// staff create a venue and print its check-in code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { openBrowser, advanceClock, watch, shot, DESKTOP, MOBILE } from './lib.mjs';

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

async function as(username, options) {
  const who = await srv.login(username);
  const ctx = await browser.newContext(options);
  await ctx.addCookies([{ name: 'shuniu_session', value: who.cookie, url: srv.url('/') }]);
  const page = await ctx.newPage();
  return { who, ctx, page, problems: watch(page) };
}

// Book from the venue page: tomorrow, the first free run of `n` slots from `from`.
async function bookInApp(page, venueName, from, n, purpose) {
  await page.goto(srv.url('/venues'));
  await page.getByText(venueName, { exact: true }).click();
  await page.waitForURL('**/venues/*');
  await page.locator('.day').nth(1).click();
  const slot = (hhmm) => page.locator('.slot', { hasText: hhmm });
  await slot(from).waitFor();
  await slot(from).click();
  if (n > 1) {
    const [h, m] = from.split(':').map(Number);
    const t = h * 60 + m + (n - 1) * 30;
    await slot(`${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`).click();
  }
  await page.getByLabel('用途').fill(purpose);
}

test('a resident books the activity room on a phone, sees it, and the slots are taken', async () => {
  const { ctx, page, problems } = await as('resident', MOBILE);
  await page.goto(srv.url('/'));
  await page.getByRole('link', { name: /预约场地/ }).click();
  await page.waitForURL('**/venues');
  await page.getByText('龙桥社区党群服务中心活动室', { exact: true }).waitFor();
  await shot(page, 'resident-venues');
  await bookInApp(page, '龙桥社区党群服务中心活动室', '14:00', 3, '书法兴趣小组');
  assert.match(await page.locator('.book').innerText(), /14:00–15:30/);
  await shot(page, 'resident-venue-book');
  await page.getByRole('button', { name: '提交预约' }).click();
  await page.waitForURL('**/bookings');
  const row = page.locator('.booking').filter({ hasText: '书法兴趣小组' });
  await row.waitFor();
  assert.match(await row.innerText(), /已通过/);
  assert.match(await row.innerText(), /14:00–15:30/);
  await shot(page, 'resident-bookings');
  // the slots now read as booked
  await page.goto(srv.url('/venues'));
  await page.getByText('龙桥社区党群服务中心活动室', { exact: true }).click();
  await page.locator('.day').nth(1).click();
  await page.locator('.slot.taken', { hasText: '14:30' }).waitFor();
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a meeting-room booking waits for approval; staff approve it in the console and the resident sees it', async () => {
  const r = await as('resident', MOBILE);
  await bookInApp(r.page, '龙桥社区党群服务中心会议室', '09:00', 2, '楼道议事会');
  await r.page.getByRole('button', { name: '提交预约（需审批）' }).click();
  await r.page.waitForURL('**/bookings');
  const row = r.page.locator('.booking').filter({ hasText: '楼道议事会' });
  await row.waitFor();
  assert.match(await row.innerText(), /待审批/);

  const s = await as('longqiao', DESKTOP);
  await s.page.goto(srv.url('/console/'));
  await s.page.getByRole('navigation').getByRole('link', { name: '场地预约', exact: true }).click();
  await s.page.waitForURL('**/console/bookings');
  const srow = s.page.locator('.bookings tbody tr').filter({ hasText: '楼道议事会' });
  await srow.waitFor();
  await shot(s.page, 'console-bookings');
  await srow.getByRole('button', { name: '通过' }).click();
  await srow.filter({ hasText: '已通过' }).waitFor();
  assert.deepEqual(s.problems, []);
  await s.ctx.close();

  await r.page.reload();
  await row.filter({ hasText: '已通过' }).waitFor();
  // and a message told them
  const msgs = (await r.who.get('/api/v1/messages')).body.items;
  assert.ok(msgs.some((m) => m.title === '场地预约已通过'));
  assert.deepEqual(r.problems, []);
  await r.ctx.close();
});

test('opening the venue QR link at the time of the booking checks the resident in', async () => {
  const staff = await srv.login('longqiao');
  const venue = (await staff.get('/api/v1/venues?limit=50')).body.items.find((v) => v.name === '龙桥社区党群服务中心活动室');
  const resident = await srv.login('resident');
  const mine = (await resident.get('/api/v1/bookings?status=approved')).body.items.find((b) => b.purpose === '书法兴趣小组');
  assert.ok(venue.public_code && mine);
  // move the clock to ten minutes before the booking (sessions end: sign in again)
  const now = new Date((await srv.json('/api/v1/meta')).body.server_time).getTime();
  await advanceClock(srv, Math.round((new Date(mine.start).getTime() - 10 * 60e3 - now) / 1000));
  const { ctx, page, problems } = await as('resident', MOBILE);
  await page.goto(srv.url(`/v/${venue.public_code}`));
  await page.getByText('签到成功').waitFor();
  await shot(page, 'resident-checkin');
  const after = (await srv.login('resident')).get(`/api/v1/bookings/${mine.id}`);
  assert.equal((await after).body.status, 'checked_in');
  // a second scan: nothing left to check in to, said in Chinese
  await page.goto(srv.url(`/v/${venue.public_code}`));
  await page.getByText('现在没有可签到的预约').waitFor();
  assert.deepEqual(problems.filter((p) => !/status of 409/.test(p)), []);
  await ctx.close();
});

test('staff create a venue with its hours and rules and open its check-in code', async () => {
  const { ctx, page, problems } = await as('longqiao', DESKTOP);
  await page.goto(srv.url('/console/venues'));
  await page.getByRole('button', { name: '新建场地' }).click();
  const dialog = page.getByRole('dialog', { name: '新建场地' });
  await dialog.waitFor();
  await dialog.getByLabel('场地名称').fill('E2E 乒乓球室');
  await dialog.getByLabel('容量').fill('8');
  await dialog.locator('.el-switch:has(input[aria-label="需审批"])').click();
  assert.equal(await dialog.getByRole('switch', { name: '需审批' }).getAttribute('aria-checked'), 'true');
  await dialog.getByRole('button', { name: '将周一的时段复制到每天' }).click();
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.locator('.venues tbody tr').filter({ hasText: 'E2E 乒乓球室' });
  await row.waitFor();
  assert.match(await row.innerText(), /需审批/);
  const staff = await srv.login('longqiao');
  const v = (await staff.get('/api/v1/venues?limit=100')).body.items.find((x) => x.name === 'E2E 乒乓球室');
  assert.equal(v.capacity, 8);
  assert.deepEqual(v.opening_hours.sun, v.opening_hours.mon);
  await row.getByRole('button', { name: 'E2E 乒乓球室 的签到二维码' }).click();
  const img = page.locator('img.qr');
  await img.waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('img.qr'); return i && i.complete && i.naturalWidth > 0; });
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await shot(page, 'console-venues');
  assert.deepEqual(problems, []);
  await ctx.close();
});
