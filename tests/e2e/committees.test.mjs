// Area joint committees (片区型"大党委") in the staff console, through the
// pages: 长桥街道's officer registers member organisations with a contact
// person (the phone shown masked until revealed), brings two of the street's
// communities together in a committee with those members, fills its four
// lists — needs, resources, a project matching a need with a resource,
// responsibilities — marks one responsibility done and, two days later on
// the server's clock, sees the other overdue in red. The community's own
// staff read the committee and may only raise needs of their community. The
// API is used only to find units and to check what the pages wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { openBrowser, advanceClock, watch, shot, audit, DESKTOP } from './lib.mjs';

const HEALTH = '长桥街道社区卫生服务中心';
const FIRM = '苏州长桥物业服务有限公司';
const NAME = '龙桥片区联合党委';
let srv, browser, street, communities, today, committeeId;

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
  const officer = await srv.login('changqiao');
  street = officer.user.unit_id;
  const r = await officer.get(`/api/v1/units?unit=${street}&kind=community&limit=200`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const longqiao = r.body.items.find((u) => u.name === '龙桥社区');
  const other = r.body.items.find((u) => u.name !== '龙桥社区');
  assert.ok(longqiao && other, '长桥街道 has 龙桥社区 and another community');
  communities = [longqiao, other];
  today = (await srv.json('/api/v1/meta')).body.server_time.slice(0, 10); // the Shanghai date: answers carry +08:00
});

after(async () => {
  await browser?.close();
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

// Choose an option of the Element Plus select labelled `label` inside scope, from that select's own list.
async function pick(scope, label, text) {
  const input = scope.getByRole('combobox', { name: label, exact: true });
  await scope.locator('.el-select', { has: scope.page().getByRole('combobox', { name: label, exact: true }) }).click();
  const list = await input.getAttribute('aria-controls');
  const option = scope.page().locator(`[id="${list}"] .el-select-dropdown__item`, { hasText: text }).first();
  await option.waitFor();
  await option.click();
}

// Fill a dialog opened by the button `name` (the dialog carries the same title) and send it.
async function dialogOf(page, name, fill) {
  await page.getByRole('button', { name, exact: true }).click();
  const d = page.getByRole('dialog', { name });
  await d.waitFor();
  await fill(d);
  await d.getByRole('button', { name: '提交' }).click();
  await d.waitFor({ state: 'hidden' });
}

const esc = (x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const addDays = (date, k) => new Date(Date.parse(`${date}T00:00:00Z`) + k * 86400e3).toISOString().slice(0, 10);

test('the street officer registers organisations with a contact person; the phone is masked until revealed', async () => {
  const s = await as('changqiao');
  await s.page.goto(srv.url('/console/'));
  await s.page.getByRole('navigation').getByRole('link', { name: '共建单位', exact: true }).click();
  await s.page.waitForURL('**/console/organisations');
  assert.equal(await s.page.getByRole('navigation').locator('[aria-current=page]').innerText(), '共建单位', 'the menu marks the register, not 组织与居民');
  for (const [name, kind, person, phone] of [
    [HEALTH, '政府机关/部门', '王医生', '13912345678'],
    [FIRM, '非公企业', '李经理', '0512-66881234'],
  ]) {
    await dialogOf(s.page, '登记单位', async (d) => {
      await d.getByLabel('单位名称').fill(name);
      await pick(d, '类别', kind);
      await d.getByLabel('联系人').fill(person);
      await d.getByLabel('联系电话').fill(phone);
      if (name === HEALTH) assert.deepEqual(await audit(s.page), [], 'the register form is labelled and legible');
    });
    await s.page.locator('.organisations tbody tr', { hasText: name }).waitFor();
  }
  const row = s.page.locator('.organisations tbody tr', { hasText: HEALTH });
  assert.match(await row.innerText(), /政府机关\/部门[\s\S]*长桥街道[\s\S]*王医生[\s\S]*139\*{4}5678/);
  assert.doesNotMatch(await s.page.locator('.organisations').innerText(), /13912345678/, 'the list never shows a whole phone');

  // by kind: the enterprises only
  await s.page.getByRole('tab', { name: '非公企业' }).click();
  await s.page.locator('.organisations tbody tr', { hasText: HEALTH }).waitFor({ state: 'detached' });
  await s.page.locator('.organisations tbody tr', { hasText: FIRM }).waitFor();
  await s.page.getByRole('tab', { name: '全部' }).click();

  // edit: an address added, the phone left as it is
  await s.page.locator('.organisations tbody tr', { hasText: FIRM }).getByRole('button', { name: `编辑 ${FIRM}` }).click();
  const e = s.page.getByRole('dialog', { name: `编辑单位：${FIRM}` });
  await e.waitFor();
  assert.equal(await e.getByRole('textbox', { name: '联系电话', exact: true }).inputValue(), '', 'the stored phone is not sent back to the form');
  await e.getByLabel('地址').fill('长桥街道龙桥路 88 号');
  await e.getByRole('button', { name: '提交' }).click();
  await e.waitFor({ state: 'hidden' });
  await s.page.locator('.organisations tbody tr', { hasText: FIRM }).filter({ hasText: '长桥街道龙桥路 88 号' }).waitFor();

  await row.getByRole('button', { name: `查看 ${HEALTH} 的联系电话` }).click();
  await s.page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await row.getByText('13912345678').waitFor();
  assert.deepEqual(await audit(s.page), [], 'the register is labelled and legible');
  await shot(s.page, 'console-organisations');
  assert.deepEqual(s.problems, []);
  await s.ctx.close();

  const listed = (await (await srv.login('changqiao')).get(`/api/v1/organisations?q=${encodeURIComponent('长桥')}`)).body.items;
  const firm = listed.find((o) => o.name === FIRM);
  assert.equal(firm.kind, 'enterprise');
  assert.equal(firm.contact_person, '李经理');
  assert.ok(firm.phone_mask && !firm.phone_mask.includes('66881234'), 'the landline is kept sealed, and kept by the edit');
  assert.equal(firm.address, '长桥街道龙桥路 88 号');
});

test('the street officer brings two of 长桥街道\'s communities together in a committee with member organisations', async () => {
  const s = await as('changqiao');
  await s.page.goto(srv.url('/console/committees'));
  await s.page.getByRole('button', { name: '新建联合党委' }).click();
  const d = s.page.getByRole('dialog', { name: '新建联合党委' });
  await d.waitFor();
  await d.getByLabel('名称', { exact: true }).fill(NAME);
  await d.getByLabel('书记', { exact: true }).fill('周书记');
  // at least two communities: one is refused by the form
  await pick(d, '覆盖社区', communities[0].name);
  await d.locator('.el-dialog__title').click(); // close the list
  await d.getByRole('button', { name: '提交' }).click();
  await d.getByText('至少选择两个社区').waitFor();
  await pick(d, '覆盖社区', communities[1].name);
  await d.locator('.el-dialog__title').click(); // close the list
  for (const [i, [org, role]] of [[HEALTH, '副书记单位'], [FIRM, '成员单位']].entries()) {
    await d.getByRole('button', { name: '添加一行' }).click();
    await pick(d, `选择单位 ${i + 1}`, org);
    await d.getByLabel(`职责 ${i + 1}`).fill(role);
  }
  assert.deepEqual(await audit(s.page), [], 'the committee form is labelled and legible');
  await shot(s.page, 'console-committee-dialog');
  await d.getByRole('button', { name: '提交' }).click();
  await s.page.waitForURL(/\/console\/committees\/\d+/);
  committeeId = Number(/committees\/(\d+)/.exec(s.page.url())[1]);
  await s.page.locator('.members tbody tr', { hasText: HEALTH }).filter({ hasText: '副书记单位' }).waitFor();
  assert.match(await s.page.locator('.about').innerText(), new RegExp(`${communities[0].name}、${communities[1].name}|${communities[1].name}、${communities[0].name}`));
  assert.match(await s.page.locator('.members').innerText(), /139\*{4}5678/);
  // a school joins from the register, then leaves again
  const officer = await srv.login('changqiao');
  const school = await officer.post('/api/v1/organisations', { name: '长桥中心小学', kind: 'school', unit_id: street, contact_person: '陈校长' });
  assert.equal(school.status, 201, JSON.stringify(school.body));
  await pick(s.page.locator('.members-card'), '选择单位', '长桥中心小学');
  await s.page.locator('.members-card').getByLabel('职责', { exact: true }).fill('共建单位');
  await s.page.getByRole('button', { name: '添加成员单位' }).click();
  const added = s.page.locator('.members tbody tr', { hasText: '长桥中心小学' });
  await added.filter({ hasText: '共建单位' }).waitFor();
  await added.getByRole('button', { name: '移除成员单位 长桥中心小学' }).click();
  await s.page.getByRole('dialog', { name: '移除' }).getByRole('button', { name: '确定' }).click();
  await added.waitFor({ state: 'detached' });

  // the secretary changes
  await s.page.locator('.about', { hasText: '周书记' }).waitFor();
  await s.page.getByRole('button', { name: '编辑', exact: true }).click();
  const e = s.page.getByRole('dialog', { name: '编辑联合党委' });
  await e.getByLabel('书记').fill('周建国');
  await e.getByRole('button', { name: '提交' }).click();
  await e.waitFor({ state: 'hidden' });
  await s.page.locator('.about', { hasText: '周建国' }).waitFor();

  await s.page.getByRole('navigation').getByRole('link', { name: '片区大党委', exact: true }).click();
  const row = s.page.locator('.committees tbody tr', { hasText: NAME });
  await row.waitFor();
  assert.match(await row.innerText(), /长桥街道[\s\S]*周建国[\s\S]*2/);
  assert.deepEqual(s.problems, []);
  await s.ctx.close();
});

test('the officer fills the four lists, matches a need with a resource, marks a responsibility done and sees one overdue', async () => {
  assert.ok(committeeId, 'the committee of the test before');
  const s = await as('changqiao');
  const page = s.page;
  await page.goto(srv.url(`/console/committees/${committeeId}`));

  // 需求清单
  await page.getByRole('tab', { name: '需求清单' }).click();
  await dialogOf(page, '登记需求', async (d) => {
    await d.getByLabel('需求', { exact: true }).fill('老年活动室缺少桌椅');
    await pick(d, '社区', communities[0].name);
    await d.getByLabel('说明').fill('活动室每周三次书画课，现有桌椅不足二十人');
    await d.locator('label.el-checkbox', { hasText: '设备物资' }).click();
    assert.deepEqual(await audit(page), [], 'the need form is labelled and legible');
  });
  await dialogOf(page, '登记需求', async (d) => {
    await d.getByLabel('需求', { exact: true }).fill('物业小区夜间巡逻人手不足');
    await pick(d, '社区', communities[1].name);
    await d.locator('label.el-radio-button', { hasText: '走访企业' }).click();
    await pick(d, '走访单位', FIRM);
    await d.locator('label.el-checkbox', { hasText: '志愿者' }).click();
  });
  const need = page.locator('.needs tbody tr', { hasText: '老年活动室缺少桌椅' });
  await need.waitFor();
  assert.match(await need.innerText(), new RegExp(`${communities[0].name}[\\s\\S]*居民提出[\\s\\S]*设备物资[\\s\\S]*待认领`));
  assert.match(await page.locator('.needs tbody tr', { hasText: '夜间巡逻' }).innerText(), new RegExp(`走访企业[\\s\\S]*${FIRM}`));

  // 资源清单
  await page.getByRole('tab', { name: '资源清单' }).click();
  await dialogOf(page, '登记资源', async (d) => {
    await pick(d, '提供单位', FIRM);
    await pick(d, '类别', '设备物资');
    await d.getByLabel('资源', { exact: true }).fill('折叠桌椅');
    await d.getByLabel('数量', { exact: true }).fill('20');
    await d.getByLabel('单位', { exact: true }).fill('套');
    assert.deepEqual(await audit(page), [], 'the resource form is labelled and legible');
  });
  await dialogOf(page, '登记资源', async (d) => {
    await pick(d, '提供单位', HEALTH);
    await pick(d, '类别', '资金');
    await d.getByLabel('资源', { exact: true }).fill('共建资金');
    await d.getByLabel('金额（元）').fill('5000');
  });
  await page.locator('.resources tbody tr', { hasText: '折叠桌椅' }).filter({ hasText: '20 套' }).waitFor();
  assert.match(await page.locator('.resources tbody tr', { hasText: '共建资金' }).innerText(), /¥5,000\.00[\s\S]*可用/);

  // 供需对接: the need beside the resources; the chairs fit it
  await page.getByRole('tab', { name: '供需对接' }).click();
  await page.locator('.unmet').getByText('老年活动室缺少桌椅').click();
  const chairs = page.locator('.unused .el-checkbox', { hasText: '折叠桌椅' });
  await chairs.filter({ hasText: '可匹配' }).waitFor();
  assert.doesNotMatch(await page.locator('.unused .el-checkbox', { hasText: '共建资金' }).innerText(), /可匹配/);
  await chairs.click();
  assert.deepEqual(await audit(page), [], 'the match view is labelled and legible');
  await shot(page, 'console-committee-match');
  await page.getByRole('button', { name: '对接立项' }).click();
  const m = page.getByRole('dialog', { name: '对接立项' });
  await m.waitFor();
  assert.equal(await m.getByLabel('项目名称').inputValue(), '老年活动室缺少桌椅');
  await m.getByLabel('项目名称').fill('龙桥老年活动室添置桌椅');
  // carried out by one of 龙桥's 便民实事 projects
  const linked = (await (await srv.login('changqiao')).get(`/api/v1/projects?unit=${communities[0].id}&limit=100`)).body.items.find((p) => p.state !== 'cancelled');
  assert.ok(linked, 'the demo gives 龙桥 a project');
  await pick(m, '关联实事项目', linked.title);
  await m.getByRole('button', { name: '提交' }).click();
  await m.waitFor({ state: 'hidden' });
  await page.locator('.unmet').getByText('老年活动室缺少桌椅').waitFor({ state: 'detached' });
  assert.doesNotMatch(await page.locator('.unused').innerText(), /折叠桌椅/);
  assert.match(await page.locator('.unused').innerText(), /共建资金/);

  // 项目清单
  await page.getByRole('tab', { name: '项目清单' }).click();
  const project = page.locator('.cprojects tbody tr', { hasText: '龙桥老年活动室添置桌椅' });
  await project.waitFor();
  assert.match(await project.innerText(), new RegExp(`关联实事项目：${esc(linked.title)}[\\s\\S]*老年活动室缺少桌椅[\\s\\S]*${FIRM} · 折叠桌椅[\\s\\S]*计划`));
  await project.getByRole('button', { name: '开始实施“龙桥老年活动室添置桌椅”' }).click();
  await project.filter({ hasText: '实施中' }).waitFor();

  // 责任清单: one due tomorrow, one in three days
  await page.getByRole('tab', { name: '责任清单' }).click();
  for (const [task, due, who] of [['送达并安装折叠桌椅', addDays(today, 1), FIRM], ['组织居民验收', addDays(today, 3), null]]) {
    await dialogOf(page, '分解责任', async (d) => {
      await d.getByLabel('任务').fill(task);
      await pick(d, '所属', '龙桥老年活动室添置桌椅');
      if (who) await pick(d, '责任单位', who);
      else await d.getByLabel('责任人').fill('龙桥社区 张主任');
      await d.getByLabel('完成时限').fill(due);
      await d.getByLabel('完成时限').press('Enter');
      if (who) assert.deepEqual(await audit(page), [], 'the responsibility form is labelled and legible');
    });
    await page.locator('.duties tbody tr', { hasText: task }).waitFor();
  }
  const first = page.locator('.duties tbody tr', { hasText: '送达并安装折叠桌椅' });
  assert.match(await first.innerText(), new RegExp(`${FIRM}[\\s\\S]*${addDays(today, 1)}[\\s\\S]*进行中`));
  await first.getByRole('button', { name: '标记“送达并安装折叠桌椅”已完成' }).click();
  await first.filter({ hasText: '已完成' }).waitFor();
  assert.equal(await page.locator('.duties tr.overdue').count(), 0, 'nothing is overdue yet');
  assert.deepEqual(s.problems, []);
  await s.ctx.close();

  // four days later on the server's clock (a new sign-in: sessions lapse) the open one is overdue, in red
  await advanceClock(srv, 4 * 86400);
  const l = await as('changqiao');
  await l.page.goto(srv.url(`/console/committees/${committeeId}?tab=duties`));
  const late = l.page.locator('.duties tbody tr.overdue', { hasText: '组织居民验收' });
  await late.waitFor();
  assert.match(await late.innerText(), /已超期/);
  assert.equal(await late.locator('.due').evaluate((e) => getComputedStyle(e).color), 'rgb(192, 38, 28)');
  assert.equal(await l.page.locator('.duties tbody tr.overdue').count(), 1, 'the done one is not overdue');
  assert.equal((await l.page.locator('.overdue-count').innerText()).trim(), '1');
  await l.page.locator('label.el-checkbox', { hasText: '只看超期' }).click();
  await l.page.locator('.duties tbody tr', { hasText: '送达并安装折叠桌椅' }).waitFor({ state: 'detached' });
  assert.deepEqual(await audit(l.page), [], 'the responsibilities are labelled and legible');
  await shot(l.page, 'console-committee-duties');

  // the project is completed: its need is met and its resource used
  await l.page.getByRole('tab', { name: '项目清单' }).click();
  const done = l.page.locator('.cprojects tbody tr', { hasText: '龙桥老年活动室添置桌椅' });
  await done.getByRole('button', { name: '完成“龙桥老年活动室添置桌椅”' }).click();
  await l.page.getByRole('dialog', { name: '完成' }).getByRole('button', { name: '确定' }).click();
  await done.filter({ hasText: '已完成' }).waitFor();
  await l.page.getByRole('tab', { name: '需求清单' }).click();
  await l.page.locator('.needs tbody tr', { hasText: '老年活动室缺少桌椅' }).filter({ hasText: '已解决' }).waitFor();
  // the money is spent directly, without a project
  await l.page.getByRole('tab', { name: '资源清单' }).click();
  await l.page.getByRole('button', { name: '标记“共建资金”已使用' }).click();
  await l.page.locator('.resources tbody tr', { hasText: '共建资金' }).filter({ hasText: '已使用' }).waitFor();
  assert.deepEqual(l.problems, []);
  await l.ctx.close();

  // what the pages wrote
  const api = await srv.login('changqiao');
  const needs = (await api.get(`/api/v1/joint-committees/${committeeId}/needs`)).body.items;
  assert.equal(needs.find((n) => n.title === '老年活动室缺少桌椅').state, 'met');
  assert.equal(needs.find((n) => n.title === '物业小区夜间巡逻人手不足').organisation.name, FIRM);
  const res = (await api.get(`/api/v1/joint-committees/${committeeId}/resources`)).body.items;
  assert.deepEqual(res.map((r) => [r.title, r.state]).sort(), [['共建资金', 'used'], ['折叠桌椅', 'used']]);
  assert.equal(res.find((r) => r.title === '共建资金').amount_fen, 500000);
  const duties = (await api.get(`/api/v1/joint-committees/${committeeId}/responsibilities`)).body.items;
  assert.deepEqual(duties.map((d) => [d.task, d.state, d.overdue]).sort(), [['组织居民验收', 'open', true], ['送达并安装折叠桌椅', 'done', false]].sort());
});

test('a community\'s staff read the committee and raise needs of their own community only', async () => {
  assert.ok(committeeId, 'the committee of the tests before');
  const c = await as('longqiao');
  const appeal = (await c.who.get('/api/v1/appeals?limit=1')).body.items[0];
  assert.ok(appeal, 'an appeal of 龙桥');
  await c.page.goto(srv.url('/console/committees'));
  await c.page.locator('.committees tbody tr', { hasText: NAME }).getByRole('link', { name: NAME }).click();
  await c.page.waitForURL(`**/console/committees/${committeeId}`);
  await c.page.getByText('本联合党委由上级管理').waitFor();
  await c.page.locator('.needs tbody tr').first().waitFor();
  assert.equal(await c.page.getByRole('button', { name: '添加成员单位' }).count(), 0);
  await dialogOf(c.page, '登记需求', async (d) => {
    await d.getByLabel('需求', { exact: true }).fill('楼道堆物清理需要志愿者');
    const community = d.getByRole('combobox', { name: '社区', exact: true });
    await d.locator('.el-select', { has: c.page.getByRole('combobox', { name: '社区', exact: true }) }).click();
    const options = c.page.locator(`[id="${await community.getAttribute('aria-controls')}"] .el-select-dropdown__item`);
    await options.first().waitFor();
    assert.deepEqual(await options.allInnerTexts(), ['龙桥社区'], 'only its own community');
    await options.first().click();
    // from an appeal of 龙桥, named by its case number
    await d.locator('label.el-radio-button', { hasText: '诉求' }).click();
    await d.getByRole('button', { name: '提交' }).click();
    await d.getByRole('alert').filter({ hasText: '请至少添加一件诉求' }).waitFor();
    await d.getByLabel('诉求案件编号').fill(appeal.case_no);
    await d.getByRole('button', { name: '添加', exact: true }).click();
    await d.locator('.el-tag', { hasText: appeal.case_no }).waitFor();
  });
  await c.page.locator('.needs tbody tr', { hasText: '楼道堆物清理需要志愿者' }).filter({ hasText: appeal.case_no }).waitFor();
  await c.page.getByRole('tab', { name: '资源清单' }).click();
  await c.page.locator('.resources tbody tr').first().waitFor();
  assert.equal(await c.page.getByRole('button', { name: '登记资源' }).count(), 0);
  assert.deepEqual(await audit(c.page), [], 'the read-only committee is labelled and legible');
  await shot(c.page, 'console-committee-community');
  assert.deepEqual(c.problems, []);
  await c.ctx.close();
});

test('the district administrator opens the demo\'s 尹东片区: all four lists filled, its overdue responsibility in red', async () => {
  const a = await as('district');
  await a.page.goto(srv.url('/console/committees'));
  const row = a.page.locator('.committees tbody tr', { hasText: '尹东片区联合党委' });
  await row.waitFor();
  assert.match(await row.innerText(), /郭巷街道[\s\S]*尹东社区/);
  await row.getByRole('link', { name: '尹东片区联合党委' }).click();
  await a.page.waitForURL(/\/console\/committees\/\d+/);
  for (const [tab, table] of [['需求清单', '.needs'], ['资源清单', '.resources'], ['项目清单', '.cprojects'], ['责任清单', '.duties']]) {
    await a.page.getByRole('tab', { name: tab }).click();
    await a.page.locator(`${table} tbody tr`).first().waitFor();
  }
  await a.page.locator('.duties tbody tr.overdue').first().waitFor();
  await a.page.getByRole('tab', { name: '供需对接' }).click();
  await a.page.locator('.unmet .el-radio').first().waitFor();
  await a.page.locator('.unused .el-checkbox').first().waitFor();
  assert.deepEqual(await audit(a.page), [], 'the demo committee is labelled and legible');
  await shot(a.page, 'console-committee-demo');
  assert.deepEqual(a.problems, []);
  await a.ctx.close();
});

test('the committee pages read in English', async () => {
  const s = await as('changqiao', 'en');
  await s.page.goto(srv.url(`/console/committees/${committeeId}?tab=duties`));
  await s.page.locator('.duties tbody tr.overdue').filter({ hasText: 'Overdue' }).waitFor();
  await s.page.getByRole('tab', { name: 'Match needs and resources' }).click();
  await s.page.getByText(/^Open needs \(\d+\)$/).waitFor();
  await s.page.goto(srv.url('/console/organisations'));
  await s.page.locator('.organisations tbody tr', { hasText: HEALTH }).filter({ hasText: 'Government body' }).waitFor();
  assert.deepEqual(s.problems, []);
  await s.ctx.close();
});
