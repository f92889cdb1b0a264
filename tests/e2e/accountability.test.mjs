// Term commitments (承诺清单) in the staff console, through the pages: the
// community ticks off one of 龙桥's commitments (progress with a photo, then
// 申请销号 with an evidence note and a photo), the street officer finds it in
// the supervision list and verifies it, and the item reads 已销号 with its
// history. A second item is returned by the street with a reason, which the
// community then sees; a resident's objection is answered in public. The API
// is only used to find the items the pages show and to act as the resident.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { png } from '../api/lib/images.mjs';
import { openBrowser, watch, shot, audit, DESKTOP } from './lib.mjs';

let srv, browser, tmp, photo, items;

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
  tmp = mkdtempSync(join(tmpdir(), 'shuniu-acc-'));
  photo = join(tmp, 'evidence.png');
  writeFileSync(photo, png(96, 64));
  // 龙桥's commitments still in progress, as the community's page lists them
  const staff = await srv.login('longqiao');
  const lists = (await staff.get(`/api/v1/commitment-lists?unit=${staff.user.unit_id}`)).body.items;
  assert.ok(lists.length, 'the demo gives 龙桥 a commitment list');
  const r = await staff.get(`/api/v1/commitments?list=${lists[0].id}&state=in_progress&limit=100`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  items = r.body.items;
  assert.ok(items.length >= 2, 'at least two of 龙桥\'s commitments are still in progress');
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

// Pick an option of an Element Plus select: open it, click the option.
async function choose(page, select, text) {
  await select.click();
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
  await option.waitFor();
  await option.click();
}

const stateTag = (page, text) => page.locator('.el-page-header').getByText(text, { exact: true });

// Open an action's dialog on the item page, fill it, send it, and wait for it to close.
async function act(page, name, fill) {
  await page.getByRole('button', { name, exact: true }).click();
  const dialog = page.getByRole('dialog', { name });
  await dialog.waitFor();
  await fill(dialog);
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

test('the community ticks off a commitment with evidence and the street verifies it: 已销号', async () => {
  const item = items[0];
  const c = await as('longqiao');
  await c.page.goto(srv.url('/console/'));
  await c.page.getByRole('navigation').getByRole('link', { name: '承诺清单', exact: true }).click();
  await c.page.waitForURL('**/console/commitments');
  const row = c.page.locator('.commitments tbody tr').filter({ hasText: item.title });
  await row.waitFor();
  assert.match(await row.innerText(), /进行中/);
  assert.match(await c.page.locator('.summary').innerText(), /完成 \d+\/\d+ 项/);
  assert.deepEqual(await audit(c.page), [], 'the list page is labelled and legible');
  await shot(c.page, 'console-commitments');
  await row.getByRole('link', { name: item.title, exact: true }).click();
  await c.page.waitForURL(`**/console/commitment-items/${item.id}`);
  await stateTag(c.page, '进行中').waitFor();

  await act(c.page, '更新进度', async (d) => {
    await d.getByLabel('完成进度（%）').fill('90');
    await d.getByLabel('完成进度（%）').press('Tab');
    await d.getByLabel('进展说明').fill('已完成主体工作，正在收尾');
    await d.getByLabel('照片').setInputFiles(photo);
  });
  await c.page.locator('.ev-progress', { hasText: '已完成主体工作，正在收尾' }).waitFor();
  assert.match(await c.page.locator('.ev-progress').last().innerText(), /90%/);

  await act(c.page, '申请销号', async (d) => {
    assert.deepEqual(await audit(c.page), [], 'the 销号 dialog is labelled and legible');
    await d.getByLabel('销号佐证说明').fill('承诺事项已全部完成，居民代表现场验收');
    await d.getByLabel('照片').setInputFiles(photo);
  });
  await stateTag(c.page, '待核验').waitFor();
  const asked = c.page.locator('.ev-request_close');
  await asked.filter({ hasText: '承诺事项已全部完成，居民代表现场验收' }).waitFor();
  await asked.locator('img').first().waitFor();
  await shot(c.page, 'console-commitment-verifying');
  assert.deepEqual(c.problems, []);
  await c.ctx.close();

  const s = await as('changqiao');
  await s.page.goto(srv.url('/console/'));
  await s.page.getByRole('navigation').getByRole('link', { name: '承诺督办', exact: true }).click();
  await s.page.waitForURL('**/console/supervision**');
  const srow = s.page.locator('.supervision tbody tr').filter({ hasText: item.title });
  await srow.waitFor();
  assert.match(await srow.innerText(), /龙桥社区[\s\S]*待核验/);
  await shot(s.page, 'console-supervision');
  await srow.getByRole('button', { name: `核验通过：${item.title}` }).click();
  const dialog = s.page.getByRole('dialog', { name: '核验通过' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await srow.waitFor({ state: 'detached' });

  await s.page.goto(srv.url(`/console/commitment-items/${item.id}`));
  await stateTag(s.page, '已销号').waitFor();
  await s.page.locator('.ev-verify').waitFor();
  assert.match(await s.page.locator('.verified').innerText(), /长桥街道.* 于 .+ 核验销号/);
  await shot(s.page, 'console-commitment-done');
  // the street's completion rates count it
  await s.page.goto(srv.url('/console/supervision?tab=rates'));
  await s.page.locator('.rates tbody tr', { hasText: '龙桥社区' }).waitFor();
  assert.deepEqual(s.problems, []);
  await s.ctx.close();

  const after = (await (await srv.login('longqiao')).get(`/api/v1/commitments/${item.id}`)).body;
  assert.equal(after.state, 'done');
  assert.equal(after.percent, 100);
  assert.deepEqual(after.events.map((e) => e.kind).slice(-3), ['progress', 'request_close', 'verify']);
  assert.equal(after.events.find((e) => e.kind === 'request_close').photos.length, 1);
});

test('the street returns a commitment with a reason and the community sees why', async () => {
  const item = items[1];
  const staff = await srv.login('longqiao');
  const photoId = (await srv.json('/api/v1/attachments', {
    method: 'POST',
    headers: { cookie: `shuniu_session=${staff.cookie}`, 'x-csrf-token': staff.csrf, 'content-type': 'image/png' },
    body: png(32, 32),
  })).body.id;
  assert.ok(photoId, 'a photo was stored');
  const asked = await staff.post(`/api/v1/commitments/${item.id}/actions`, { action: 'request_close', note: '已完成', evidence_photos: [photoId] });
  assert.equal(asked.status, 200, JSON.stringify(asked.body));

  const s = await as('changqiao');
  await s.page.goto(srv.url('/console/supervision'));
  const srow = s.page.locator('.supervision tbody tr').filter({ hasText: item.title });
  await srow.waitFor();
  await srow.getByRole('button', { name: `退回：${item.title}` }).click();
  const dialog = s.page.getByRole('dialog', { name: '退回' });
  await dialog.waitFor();
  // a reason is required: nothing is sent without one
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.getByRole('alert').filter({ hasText: '请填写退回理由' }).waitFor();
  await dialog.getByLabel('退回理由').fill('缺少居民验收签字，请补充后再申请');
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await srow.waitFor({ state: 'detached' });
  assert.deepEqual(s.problems, []);
  await s.ctx.close();

  const c = await as('longqiao');
  await c.page.goto(srv.url(`/console/commitment-items/${item.id}`));
  await stateTag(c.page, '进行中').waitFor();
  assert.match(await c.page.locator('.returned').innerText(), /上次退回：缺少居民验收签字，请补充后再申请/);
  await c.page.locator('.ev-return', { hasText: '缺少居民验收签字' }).waitFor();
  await c.page.getByRole('button', { name: '申请销号', exact: true }).waitFor();
  await shot(c.page, 'console-commitment-returned');
  assert.deepEqual(c.problems, []);
  await c.ctx.close();
});

test('community staff answer a resident\'s objection from the list of comments to answer', async () => {
  const item = items[2];
  const resident = await srv.login('resident');
  const made = await resident.post(`/api/v1/commitments/${item.id}/comments`, { kind: 'objection', text: '电梯还没有开工，不符合承诺' });
  assert.equal(made.status, 201, JSON.stringify(made.body));

  const c = await as('longqiao');
  await c.page.goto(srv.url('/console/commitments'));
  await c.page.locator('.commitments tbody tr', { hasText: item.title }).filter({ hasText: '不符合承诺 1' }).waitFor();
  await c.page.getByRole('tab', { name: '居民意见' }).click();
  const row = c.page.locator('.comments tbody tr').filter({ hasText: '电梯还没有开工，不符合承诺' });
  await row.waitFor();
  assert.match(await row.innerText(), new RegExp(item.title));
  await row.getByRole('button', { name: '回复：电梯还没有开工，不符合承诺' }).click();
  const box = c.page.getByRole('dialog', { name: '回复' });
  await box.locator('textarea').fill('已完成设计招标，下月开工，届时公示进度');
  await box.getByRole('button', { name: '确定' }).click();
  await row.waitFor({ state: 'detached' }); // answered: no longer in the unanswered list
  await c.page.goto(srv.url(`/console/commitment-items/${item.id}`));
  await c.page.locator(`.comment-${made.body.id}`, { hasText: '已完成设计招标，下月开工，届时公示进度' }).waitFor();
  await shot(c.page, 'console-commitment-answered');
  assert.deepEqual(c.problems, []);
  await c.ctx.close();
  const pub = await srv.json(`/api/v1/commitments/${item.id}`, { headers: { cookie: `shuniu_session=${(await srv.login('longqiao')).cookie}` } });
  assert.equal(pub.body.comments.find((x) => x.id === made.body.id).answer.text, '已完成设计招标，下月开工，届时公示进度');
});

test('a project goes from proposal to completion: the street approves it, the community runs it', async () => {
  const c = await as('longqiao');
  await c.page.goto(srv.url('/console/'));
  await c.page.getByRole('navigation').getByRole('link', { name: '项目管理', exact: true }).click();
  await c.page.waitForURL('**/console/projects');
  await c.page.locator('.projects tbody tr').first().waitFor();
  await c.page.getByRole('button', { name: '新建项目' }).click();
  const d = c.page.getByRole('dialog', { name: '新建项目' });
  await d.getByLabel('项目名称').fill('龙桥社区楼道照明改造');
  await d.getByLabel('目标').fill('更换老旧楼道灯，夜间照明全覆盖');
  await d.getByLabel('预算（元）').fill('12345.6');
  await d.getByRole('button', { name: '添加节点' }).click();
  await d.getByLabel('节点 1 节点名称').fill('采购灯具');
  await d.getByLabel('节点 1 完成时限').fill('2026-12-20');
  await d.getByLabel('节点 1 完成时限').press('Enter');
  assert.deepEqual(await audit(c.page), [], 'the project form is labelled and legible');
  await d.getByRole('button', { name: '提交' }).click();
  await c.page.waitForURL(/\/console\/projects\/\d+$/);
  const id = Number(c.page.url().split('/').pop());
  await stateTag(c.page, '已提议').waitFor();
  await c.page.getByText('12,345.60').waitFor();
  // a source: an appeal of 龙桥 by its case number
  const appeal = (await c.who.get('/api/v1/appeals?limit=1')).body.items[0];
  await c.page.getByLabel('案件编号').fill(appeal.case_no);
  await c.page.getByRole('button', { name: '关联诉求' }).click();
  await c.page.locator(`.appeal-${appeal.id}`).waitFor();
  assert.deepEqual(c.problems, []);

  const s = await as('changqiao');
  await s.page.goto(srv.url(`/console/projects/${id}`));
  await s.page.getByRole('button', { name: '审批立项' }).click();
  const a = s.page.getByRole('dialog', { name: '审批立项' });
  await a.getByRole('button', { name: '提交' }).click();
  await a.waitFor({ state: 'hidden' });
  await stateTag(s.page, '已立项').waitFor();
  assert.deepEqual(s.problems, []);
  await s.ctx.close();

  await c.page.reload();
  await act(c.page, '开始实施', async () => {});
  await stateTag(c.page, '实施中').waitFor();
  await c.page.getByRole('button', { name: '完成节点 采购灯具' }).click();
  await c.page.locator('.milestones tbody tr', { hasText: '采购灯具' }).filter({ hasText: '完成' }).waitFor();
  await act(c.page, '完成项目', async (x) => {
    await x.getByLabel('完成情况').fill('已更换 36 盏楼道灯');
    await x.getByLabel('照片').setInputFiles(photo);
  });
  await stateTag(c.page, '已完成').waitFor();
  await c.page.locator('.ev-completed').waitFor();
  await shot(c.page, 'console-project-completed');
  assert.deepEqual(c.problems, []);
  await c.ctx.close();
  const p = (await (await srv.login('longqiao')).get(`/api/v1/projects/${id}`)).body;
  assert.deepEqual([p.state, p.budget_fen, p.outcome, p.sources.appeals.map((x) => x.id)], ['completed', 1234560, '已更换 36 盏楼道灯', [appeal.id]]);
});

test('a spend above the threshold waits for the street, then shows in the ledger', async () => {
  const c = await as('longqiao');
  const project = (await c.who.get('/api/v1/projects?state=approved&limit=50')).body.items.find((x) => x.budget_fen >= 3000000)
    ?? (await c.who.get('/api/v1/projects?state=in_progress&limit=50')).body.items[0];
  assert.ok(project, 'an approved project of 龙桥 to spend on');
  await c.page.goto(srv.url('/console/fund'));
  await c.page.locator('.coverage tbody tr', { hasText: '龙桥社区' }).waitFor();
  assert.deepEqual(await audit(c.page), [], 'the fund page is labelled and legible');
  await c.page.getByRole('button', { name: '列支', exact: true }).click();
  const d = c.page.getByRole('dialog', { name: '列支' });
  await choose(c.page, d.locator('.el-select').first(), project.title);
  await d.getByLabel('金额（元）').fill('30000');
  await d.getByLabel('说明').fill('楼道灯具采购款');
  await d.getByRole('button', { name: '提交' }).click();
  await d.waitFor({ state: 'hidden' });
  await c.page.getByText('超过审批额度，已提交街道审批').waitFor();
  assert.deepEqual(c.problems, []);
  await c.ctx.close();

  const s = await as('changqiao');
  await s.page.goto(srv.url('/console/fund?tab=spends'));
  const row = s.page.locator('.spends tbody tr').filter({ hasText: '楼道灯具采购款' });
  await row.waitFor();
  assert.match(await row.innerText(), /30,000\.00[\s\S]*待审批/);
  await row.getByRole('button', { name: /^批准/ }).click();
  await s.page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await row.waitFor({ state: 'detached' }); // no longer pending
  await s.page.getByRole('tab', { name: '台账' }).click();
  const entry = s.page.locator('.ledger tbody tr').filter({ hasText: '楼道灯具采购款' });
  await entry.waitFor();
  assert.match(await entry.innerText(), /支出[\s\S]*30,000\.00/);
  const href = await s.page.getByRole('link', { name: '导出 Excel' }).getAttribute('href');
  assert.match(href, /^\/api\/v1\/fund\/ledger\.xlsx\?year=\d{4}$/);
  await shot(s.page, 'console-fund-ledger');
  assert.deepEqual(s.problems, []);
  await s.ctx.close();
});

test('the 微实事 page shows 龙桥\'s round and its proposals, in English too', async () => {
  const c = await as('longqiao', 'en');
  await c.page.goto(srv.url('/console/micro'));
  const round = c.page.locator('.rounds tbody tr').first();
  await round.waitFor();
  assert.match(await round.innerText(), /Voting/);
  await round.getByRole('button', { name: /^Open / }).click();
  await c.page.locator('.proposals tbody tr').first().waitFor();
  assert.match(await c.page.locator('.proposals').innerText(), /Admitted/);
  await c.page.mouse.move(0, 0); // judge the page, not the hovered button
  assert.deepEqual(await audit(c.page), [], 'the 微实事 page is labelled and legible');
  await c.page.getByRole('button', { name: 'New round' }).click();
  await c.page.getByRole('dialog', { name: 'New round' }).waitFor();
  assert.deepEqual(await audit(c.page), [], 'the new round form is labelled and legible');
  await shot(c.page, 'console-micro-en');
  assert.deepEqual(c.problems, []);
  await c.ctx.close();
});
