// Deliberation (议事协商) in the staff console, through the pages: 龙桥's staff
// add representatives to the community's roster, schedule a 居民(代表)会议 for
// a major matter midway through 四议两公开 (propose, deliberate and review
// done, made through the API) at a venue, tick who came, raise two proposals, vote on each for every
// representative present and watch the tallies, quorum and passing, and
// record the resolution with an appointee and a photo. On the matter's page a
// step tried out of order is refused in words naming the missing step; the
// decision is then recorded with that meeting, the resolution published with
// its disclosure countdown, a resident's objection answered, and once the
// period has run on the test clock the matter is carried out with a new
// project. The API is only used to bring
// the matter to its decision and to read back what the pages did.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { png } from '../api/lib/images.mjs';
import { openBrowser, advanceClock, watch, shot, audit, DESKTOP } from './lib.mjs';

let srv, browser, tmp, photo, matter, kind, meetingId;
const KINDS = { women: '妇女代表', volunteer: '志愿者', owner: '业主代表', building_leader: '楼组长', organisation: '单位代表' };
const REPS = ['钱秀英', '孙丽华', '周美玲'];

const TITLES = { party_org: '党组织会议', two_committees: '两委联席会议', party_members: '党员大会' };

// A meeting of type for the matter, held today and closed with one proposal passed by all.
async function closedMeeting(staff, type, matterId, reps, day) {
  const m = await staff.post('/api/v1/meetings', {
    type, unit_id: staff.user.unit_id, matter_id: matterId, title: `雨污水管改造${TITLES[type]}`, place: '龙桥社区会议室',
    starts_at: `${day}T08:00:00+08:00`, ends_at: `${day}T09:00:00+08:00`, invitees: reps,
  });
  assert.equal(m.status, 201, JSON.stringify(m.body));
  const id = m.body.id;
  assert.equal((await staff.post(`/api/v1/meetings/${id}/attendance`, { present: reps })).status, 200);
  const p = await staff.post(`/api/v1/meetings/${id}/proposals`, { title: '同意提交下一环节' });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  for (const r of reps) assert.equal((await staff.post(`/api/v1/proposals/${p.body.id}/votes`, { representative_id: r, vote: 'for' })).status, 201);
  const z = await staff.post(`/api/v1/meetings/${id}/resolution`, { text: '同意', adopted: [p.body.id] });
  assert.equal(z.status, 200, JSON.stringify(z.body));
  return id;
}

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
  tmp = mkdtempSync(join(tmpdir(), 'shuniu-delib-'));
  photo = join(tmp, 'meeting.png');
  writeFileSync(photo, png(96, 64));
  const staff = await srv.login('longqiao');
  const unit = staff.user.unit_id;
  // a kind of representative 龙桥's roster does not have yet, so the page's meeting invites exactly ours
  const roster = (await staff.get(`/api/v1/representatives?unit=${unit}&active=1&limit=500`)).body.items;
  kind = Object.keys(KINDS).find((k) => !roster.some((x) => x.kind === k && x.unit_id === unit));
  assert.ok(kind, 'a kind of representative still free in 龙桥');
  // a major matter of 龙桥 midway through 四议两公开: proposed, deliberated and reviewed in closed meetings
  const committee = [];
  for (const name of ['赵建国', '李卫东', '王红梅']) {
    const r = await staff.post('/api/v1/representatives', { unit_id: unit, name, kind: 'committee_member' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    committee.push(r.body.id);
  }
  const made = await staff.post('/api/v1/matters', {
    unit_id: unit, title: '龙桥花园雨污水管改造', description: '老旧雨污水管破损，雨天倒灌。', category: 'facility', amount_fen: 8000000,
    source: { kind: 'staff', note: '网格巡查发现' },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  matter = made.body;
  assert.equal(matter.major, true);
  const today = (await srv.json('/api/v1/meta')).body.server_time.slice(0, 10);
  for (const [step, type] of [['propose', 'party_org'], ['deliberate', 'two_committees'], ['review', 'party_members']]) {
    const meeting = await closedMeeting(staff, type, matter.id, committee, today);
    const r = await staff.post(`/api/v1/matters/${matter.id}/steps`, { step, meeting_id: meeting });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    matter = r.body;
  }
  assert.equal(matter.next_step, 'decide');
});

after(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

async function as(username, locale) {
  const who = await srv.login(username);
  const ctx = await browser.newContext(DESKTOP);
  await ctx.addCookies([{ name: 'shuniu_session', value: who.cookie, url: srv.url('/') }]);
  if (locale) await ctx.addInitScript((l) => localStorage.setItem('shuniu.locale', l), locale);
  const page = await ctx.newPage();
  return { who, ctx, page, problems: watch(page) };
}

// Pick an option of an Element Plus select: open it, click the option in its own list.
async function choose(page, select, text) {
  await select.click();
  const list = await select.locator('input').first().getAttribute('aria-controls');
  const option = page.locator(`[id="${list}"] .el-select-dropdown__item`, { hasText: text }).first();
  await option.waitFor();
  await option.click();
  await page.locator(`[id="${list}"]`).waitFor({ state: 'hidden' }); // closed: its fading list would take the next click
}

// Tick an Element Plus checkbox named by its aria-label (which it puts on its label; the input is hidden behind the box).
const tick = (page, name) => page.locator(`label.el-checkbox[aria-label="${name}"]`).click();

const stateTag = (page, text) => page.locator('.el-page-header').getByText(text, { exact: true });

test('staff run a 居民(代表)会议 from the roster to its resolution: attendance, votes, tallies, quorum and passing', async () => {
  let c = await as('longqiao');
  // 1. the roster: three representatives of one kind
  await c.page.goto(srv.url('/console/'));
  await c.page.getByRole('navigation').getByRole('link', { name: '代表名册', exact: true }).click();
  await c.page.waitForURL('**/console/roster');
  await c.page.locator('.roster .el-table__row, .roster .el-table__empty-text').first().waitFor();
  for (const [i, name] of REPS.entries()) {
    await c.page.getByRole('button', { name: '新增代表' }).click();
    const d = c.page.getByRole('dialog', { name: '新增代表' });
    await d.waitFor();
    await d.getByLabel('姓名').fill(name);
    await choose(c.page, d.locator('.el-select').first(), KINDS[kind]);
    if (i === 0) {
      await d.getByLabel('手机号').fill('13912345678');
      assert.deepEqual(await audit(c.page), [], 'the representative form is labelled and legible');
    }
    await d.getByRole('button', { name: '提交' }).click();
    await d.waitFor({ state: 'hidden' });
    await c.page.locator('.roster tbody tr', { hasText: name }).waitFor();
  }
  const first = c.page.locator('.roster tbody tr', { hasText: REPS[0] });
  assert.match(await first.innerText(), new RegExp(`${KINDS[kind]}[\\s\\S]*139\\*\\*\\*\\*5678[\\s\\S]*在任`));
  assert.deepEqual(await audit(c.page), [], 'the roster is labelled and legible');
  await shot(c.page, 'console-roster');

  // 2. schedule the decision's meeting from the matter's page, at a venue tomorrow, inviting our kind
  await c.page.getByRole('navigation').getByRole('link', { name: '议题', exact: true }).click();
  await c.page.waitForURL('**/console/matters');
  const row = c.page.locator('.matters tbody tr', { hasText: matter.title });
  await row.waitFor();
  assert.match(await row.innerText(), /重大事项[\s\S]*已审议[\s\S]*居民\(代表\)会议决议/);
  await row.getByRole('link', { name: matter.title }).click();
  await c.page.waitForURL(`**/console/matters/${matter.id}`);
  await c.page.locator('.step-review.done').waitFor();
  await c.page.locator('.step-decide.next').waitFor();
  await c.page.getByRole('button', { name: '为此步骤安排会议' }).click();
  const d = c.page.getByRole('dialog', { name: '安排会议' });
  await d.waitFor();
  assert.match(await d.locator('.type-pick').innerText(), /居民\(代表\)会议/);
  await d.getByLabel('名称').fill('龙桥社区居民代表会议：表决议题');
  await d.getByText('预约场地', { exact: true }).click();
  await choose(c.page, d.locator('.el-select:has(#mt-venue)'), '龙桥社区党群服务中心活动室');
  await choose(c.page, d.locator('.el-select:has(#mt-from)'), '10:00');
  await choose(c.page, d.locator('.el-select:has(#mt-to)'), '11:00');
  await d.getByText(`${KINDS[kind]}（3）`).click();
  await d.getByText('将邀请 3 位在任代表').waitFor();
  assert.deepEqual(await audit(c.page), [], 'the meeting form is labelled and legible');
  await shot(c.page, 'console-meeting-dialog');
  await d.getByRole('button', { name: '提交' }).click();
  await c.page.waitForURL(/\/console\/meetings\/\d+$/);
  meetingId = Number(c.page.url().split('/').pop());
  await stateTag(c.page, '待召开').waitFor();
  assert.match(await c.page.locator('.facts').innerText(), /龙桥社区党群服务中心活动室（已预约）[\s\S]*3 人（/);

  // 3. the meeting day (a new sign-in: a day idle ends a session): tick who came (all three), then the proposals
  assert.deepEqual(c.problems, []);
  await c.ctx.close();
  await advanceClock(srv, 86400);
  c = await as('longqiao');
  await c.page.goto(srv.url(`/console/meetings/${meetingId}`));
  await stateTag(c.page, '待召开').waitFor();
  for (const name of REPS) await tick(c.page, `${name} 到会`);
  await c.page.getByText('已勾选 3 / 应到 3').waitFor();
  await c.page.getByRole('button', { name: '登记出席' }).click();
  await stateTag(c.page, '召开中').waitFor();
  await c.page.getByText('到会 3 / 应到 3，达到法定人数（至少 2 人）').waitFor();
  for (const title of ['增设可开启式限高杆', '禁止所有车辆通行']) {
    await c.page.getByLabel('议案', { exact: true }).fill(title);
    if (title === '增设可开启式限高杆') await choose(c.page, c.page.locator('.proposer'), REPS[0]);
    await c.page.getByRole('button', { name: '提出议案' }).click();
    await c.page.locator('.tallies tbody tr', { hasText: title }).waitFor();
  }

  // 4. votes: the first for, for, against (passes: 2 of 3 present); the second for, against, abstain (does not)
  const votes = [['赞成', '赞成', '反对'], ['赞成', '反对', '弃权']];
  for (const [n, row] of votes.entries()) {
    for (const [i, v] of row.entries()) {
      const group = c.page.getByRole('radiogroup', { name: `${REPS[i]} 对议案 ${n + 1} 的表决` });
      await group.getByText(v, { exact: true }).click();
      await group.waitFor({ state: 'detached' }); // recorded: final, shown as a word
    }
  }
  const tally = (title) => c.page.locator('.tallies tbody tr', { hasText: title });
  await tally('增设可开启式限高杆').getByText('通过', { exact: true }).waitFor();
  await tally('禁止所有车辆通行').getByText('未通过', { exact: true }).waitFor();
  assert.match(await tally('增设可开启式限高杆').innerText(), new RegExp(`${REPS[0]} 提议`));
  assert.match(await tally('增设可开启式限高杆').innerText(), /2\s+1\s+0\s+0/);
  assert.match(await tally('禁止所有车辆通行').innerText(), /1\s+1\s+1\s+0/);
  assert.deepEqual(await audit(c.page), [], 'the voting grid is labelled and legible');
  await shot(c.page, 'console-meeting-votes');
  // a vote is one per representative: the server's tally agrees with the page's
  const held = (await c.who.get(`/api/v1/meetings/${meetingId}`)).body;
  assert.deepEqual(held.proposals.map((p) => [p.for, p.against, p.abstain, p.passed]), [[2, 1, 0, true], [1, 1, 1, false]]);

  // 5. the resolution: the passed proposal adopted, an appointee, minutes and a photo
  await c.page.getByRole('button', { name: '形成决议' }).click();
  const r = c.page.getByRole('dialog', { name: '形成决议' });
  await r.waitFor();
  assert.equal(await r.getByRole('checkbox', { name: /增设可开启式限高杆/ }).isChecked(), true);
  assert.equal(await r.getByRole('checkbox', { name: /禁止所有车辆通行/ }).isDisabled(), true);
  await r.getByLabel('决议内容').fill('在村道入口增设可开启式限高杆，由居民代表轮流管理钥匙。');
  await r.getByRole('button', { name: '添加人员' }).click();
  await choose(c.page, r.locator('.ap-name'), REPS[0]);
  await r.getByLabel('第 1 位 职责').fill('限高杆管理员');
  await r.getByLabel('会议纪要').fill('应到 3 人，实到 3 人。议案一通过，议案二未通过。');
  await r.getByLabel('会议照片').setInputFiles(photo);
  assert.deepEqual(await audit(c.page), [], 'the resolution form is labelled and legible');
  await r.getByRole('button', { name: '提交' }).click();
  await r.waitFor({ state: 'hidden' });
  await stateTag(c.page, '已结束').waitFor();
  const shown = c.page.locator('.resolution');
  await shown.getByText('在村道入口增设可开启式限高杆，由居民代表轮流管理钥匙。').waitFor();
  assert.match(await shown.innerText(), new RegExp(`${REPS[0]}（限高杆管理员）`));
  await shown.locator('img').first().waitFor();
  await shot(c.page, 'console-meeting-closed');
  assert.deepEqual(c.problems, []);
  await c.ctx.close();

  const closed = (await (await srv.login('longqiao')).get(`/api/v1/meetings/${meetingId}`)).body;
  assert.equal(closed.state, 'closed');
  assert.equal(closed.matter_id, matter.id);
  assert.deepEqual(closed.resolution.adopted, [closed.proposals[0].id]);
  assert.deepEqual(closed.resolution.appointees.map((a) => [a.name, a.role]), [[REPS[0], '限高杆管理员']]);
  assert.equal(closed.resolution.photos.length, 1);
});

test('四议两公开 on the matter\'s page: a step out of order is refused in words, then decide, publish and carry it out', async () => {
  assert.ok(meetingId, 'the meeting of the test before');
  let c = await as('longqiao');
  await c.page.goto(srv.url(`/console/matters/${matter.id}`));
  await c.page.locator('.step-decide.next').waitFor();
  let form = c.page.locator('.step-form');
  // carrying it out before the residents decided: refused, naming the missing step
  await choose(c.page, form.locator('.step-pick'), '组织实施');
  await form.getByText('暂不关联', { exact: true }).click();
  await form.getByRole('button', { name: '记录：组织实施' }).click();
  const refusal = form.getByRole('alert');
  await refusal.getByText('尚未完成的前一步：居民(代表)会议决议').waitFor();
  await refusal.getByText('须先经居民(代表)会议决议', { exact: true }).waitFor(); // matter.needs_decide in words
  await shot(c.page, 'console-matter-refused');
  await c.page.locator('.step-implement.todo').waitFor();

  // the decision, with the meeting just closed (chosen for it: the one meeting of its type)
  await choose(c.page, form.locator('.step-pick'), '居民(代表)会议决议');
  assert.match(await form.locator('.meeting-pick').innerText(), /龙桥社区居民代表会议：表决议题/);
  await form.getByRole('button', { name: '记录：居民(代表)会议决议' }).click();
  await c.page.locator('.step-decide.done').waitFor();
  await c.page.locator('.step-publish_resolution.next').waitFor();
  await stateTag(c.page, '已决议').waitFor();

  // the resolution published for 7 days: the countdown on the test clock
  await form.getByLabel('公开的决议内容').fill('经居民代表会议表决，在村道入口增设可开启式限高杆。');
  await form.getByRole('button', { name: '记录：决议公开' }).click();
  await stateTag(c.page, '决议公开中').waitFor();
  let disclosure = c.page.locator('.disclosure');
  await disclosure.locator('.countdown', { hasText: /公开期还剩 7 天/ }).waitFor();
  // a resident of 龙桥 objects while it runs; staff answer in public
  const objected = await (await srv.login('resident')).post(`/api/v1/matters/${matter.id}/objections`, { text: '限高杆会不会挡住救护车？' });
  assert.equal(objected.status, 201, JSON.stringify(objected.body));
  await c.page.reload();
  const objection = c.page.locator(`.objection-${objected.body.id}`);
  await objection.getByText('限高杆会不会挡住救护车？').waitFor();
  await disclosure.getByText('居民异议 1 条（未答复 1）').waitFor();
  await objection.getByRole('button', { name: '答复异议：限高杆会不会挡住救护车？' }).click();
  const box = c.page.getByRole('dialog', { name: '答复' });
  await box.locator('textarea').fill('限高杆可随时开启，救护车、消防车通行不受影响。');
  await box.getByRole('button', { name: '确定' }).click();
  await objection.getByText(/答复：限高杆可随时开启/).waitFor();
  await disclosure.getByText('居民异议 1 条（未答复 0）').waitFor();
  assert.deepEqual(await audit(c.page), [], 'the matter page is labelled and legible');
  await shot(c.page, 'console-matter-disclosing');

  // after the period (8 days on, signed in again), carried out with a new project
  assert.deepEqual(c.problems, ['console: Failed to load resource: the server responded with a status of 409 (Conflict)'], 'the one refusal, nothing else');
  await c.ctx.close();
  await advanceClock(srv, 8 * 86400);
  c = await as('longqiao');
  await c.page.goto(srv.url(`/console/matters/${matter.id}`));
  disclosure = c.page.locator('.disclosure');
  form = c.page.locator('.step-form');
  await disclosure.locator('.countdown', { hasText: '公开期已结束' }).waitFor();
  await form.getByText('新建项目', { exact: true }).click();
  await form.getByLabel('预算（元）').fill('18000');
  await form.getByLabel('目标').fill('村道入口安装可开启式限高杆两处');
  await form.getByRole('button', { name: '记录：组织实施' }).click();
  await stateTag(c.page, '组织实施中').waitFor();
  await c.page.locator('.step-implement.done').waitFor();
  await c.page.locator('.project-link').waitFor();
  const href = await c.page.locator('.thread-link').getAttribute('href');
  assert.equal(href, `/m/${matter.id}`);
  await shot(c.page, 'console-matter-implementing');
  assert.deepEqual(c.problems, []);
  await c.ctx.close();

  const m = (await (await srv.login('longqiao')).get(`/api/v1/matters/${matter.id}`)).body;
  assert.deepEqual(m.steps.map((s) => s.step), ['propose', 'deliberate', 'review', 'decide', 'publish_resolution', 'implement']);
  assert.equal(m.steps[3].meeting_id, meetingId);
  assert.equal(m.project.state, 'proposed');
});

test('the meeting-type settings and the yearly review read in English', async () => {
  const c = await as('longqiao', 'en');
  await c.page.goto(srv.url('/console/deliberation-settings'));
  await c.page.locator('.meeting-types tbody tr').first().waitFor();
  assert.equal(await c.page.locator('.meeting-types tbody tr').count(), 10);
  await c.page.getByText('Only a district account can change the meeting types.').waitFor();
  assert.deepEqual(await audit(c.page), [], 'the settings page is labelled and legible');
  await c.page.goto(srv.url('/console/deliberation-review'));
  const row = c.page.locator('.review tbody tr', { hasText: '龙桥社区' }).first();
  await row.waitFor();
  await row.locator('.el-table__expand-icon').click();
  await c.page.locator(`.rv-matter-${matter.id}`).waitFor();
  assert.match(await c.page.locator(`.rv-matter-${matter.id}`).innerText(), /Not complete[\s\S]*Party organisation proposes/);
  assert.deepEqual(await audit(c.page), [], 'the review is labelled and legible');
  await shot(c.page, 'console-delib-review-en');
  assert.deepEqual(c.problems, []);
  await c.ctx.close();
});

test('a new matter from two appeals found by case number: an ordinary matter that goes straight to its decision', async () => {
  const c = await as('longqiao');
  const appeals = (await c.who.get(`/api/v1/appeals?unit=${c.who.user.unit_id}&limit=2`)).body.items;
  assert.equal(appeals.length, 2, 'two appeals of 龙桥');
  await c.page.goto(srv.url('/console/matters'));
  await c.page.locator('.matters tbody tr').first().waitFor();
  await c.page.getByRole('button', { name: '新建议题' }).click();
  const d = c.page.getByRole('dialog', { name: '新建议题' });
  await d.waitFor();
  await d.getByLabel('名称').fill('龙桥花园夜间停车秩序');
  await d.getByLabel('涉及金额（元）').fill('1200');
  await d.getByLabel('情况说明').fill('小区夜间乱停车，消防通道被占。');
  // a resident's proposal needs what was proposed
  await d.getByText('居民提议', { exact: true }).click();
  await d.getByRole('button', { name: '提交' }).click();
  await d.getByRole('alert').getByText('请填写居民提议的内容').waitFor();
  await d.getByText('群众诉求', { exact: true }).click();
  for (const a of appeals) {
    await d.getByLabel('案件编号').fill(a.case_no);
    await d.getByRole('button', { name: '关联诉求' }).click();
    await d.locator(`.appeal-${a.id}`).waitFor();
  }
  assert.deepEqual(await audit(c.page), [], 'the matter form is labelled and legible');
  await shot(c.page, 'console-matter-dialog');
  await d.getByRole('button', { name: '提交' }).click();
  await c.page.waitForURL(/\/console\/matters\/\d+$/);
  await stateTag(c.page, '待提议').waitFor();
  await c.page.getByText('一般事项', { exact: true }).waitFor();
  for (const a of appeals) await c.page.locator(`.appeal-${a.id}`, { hasText: a.case_no }).waitFor();
  // an ordinary matter: decide, publish, carry out, publish the result — decide next
  await c.page.locator('.step-decide.next').waitFor();
  assert.equal(await c.page.locator('.step-propose').count(), 0);
  const id = Number(c.page.url().split('/').pop());
  assert.deepEqual(c.problems, []);
  await c.ctx.close();
  const m = (await (await srv.login('longqiao')).get(`/api/v1/matters/${id}`)).body;
  assert.deepEqual([m.major, m.amount_fen, m.source.kind, m.source.appeals.map((x) => x.id).sort()], [false, 120000, 'appeals', appeals.map((x) => x.id).sort()]);
});

test('the district sets a meeting type\'s quorum; a street officer sets its disclosure period', async () => {
  const d = await as('district');
  await d.page.goto(srv.url('/console/deliberation-settings'));
  const row = d.page.locator('.meeting-types tbody tr.type-hearing');
  await row.waitFor();
  await row.getByLabel('听证会 法定人数（%）').fill('60');
  await row.getByLabel('听证会 法定人数（%）').press('Tab');
  await row.getByRole('button', { name: '保存 听证会' }).click();
  await d.page.getByText('已保存').first().waitFor();
  assert.deepEqual(await audit(d.page), [], 'the settings page of the district is labelled and legible');
  assert.deepEqual(d.problems, []);
  await d.ctx.close();
  const types = (await (await srv.login('district')).get('/api/v1/meeting-types')).body.items;
  assert.deepEqual(types.filter((x) => x.type === 'hearing').map((x) => [x.quorum_pct, x.pass_pct]), [[60, 50]]);

  const s = await as('changqiao');
  await s.page.goto(srv.url('/console/deliberation-settings'));
  const form = s.page.locator('.community-settings');
  await form.waitFor();
  assert.equal(await s.page.locator('.meeting-types tbody tr.type-hearing input').first().isDisabled(), true, 'a street may not change the types');
  await form.getByLabel('决议公开期（天）').fill('10');
  await form.getByLabel('决议公开期（天）').press('Tab');
  await form.getByRole('button', { name: '保存' }).click();
  await s.page.getByText('已保存').first().waitFor();
  assert.deepEqual(s.problems, []);
  await s.ctx.close();
  const officer = await srv.login('changqiao');
  assert.equal((await officer.get(`/api/v1/units/${officer.user.unit_id}/matter-settings`)).body.disclosure_days, 10);
});
