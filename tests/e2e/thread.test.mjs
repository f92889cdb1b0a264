// A matter's public thread (/m/<id>) on a phone. Signed out, anyone opens
// 龙桥社区's public page, finds the 议事 tab and reads the demo's finished
// matter from its appeals through the four meetings of 四议两公开 (who was
// invited, as counts by kind; attendance; quorum; every proposal's vote), the
// resolution and its disclosure, the project, the fund's spending and the
// commitment item it serves — and follows the links to the project and the
// commitment on the community page. No resident's or representative's name
// and no phone number appear. The demo's matter that is midway through the
// procedure shows the decision still to come. Staff then take it through the
// residents' meeting and publish the resolution (through the API); during the
// disclosure period a resident objects, sees the objection waiting for an
// answer and then answered, and a second objection is refused in words; once
// the period ends (on the test clock) the form is gone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { addUser, startDistrict } from '../api/lib/district.mjs';
import { openBrowser, advanceClock, watch, shot, audit, MOBILE } from './lib.mjs';

let srv, browser, staff, unit, code, list, finished, midway, hidden;

/* Integer fen as the page shows it: "200,000.00 元". */
const money = (fen) => {
  const n = Math.abs(fen);
  const whole = String(Math.floor(n / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${whole}.${String(n % 100).padStart(2, '0')} 元`;
};
const KIND = {
  building_leader: '楼组长', party_member: '党员代表', resident: '居民代表', owner: '业主代表',
  women: '妇女代表', volunteer: '志愿者', organisation: '单位代表', committee_member: '两委委员',
};
const SOURCE = { resident: '居民提议', hotspot: '诉求热点', appeals: '群众诉求', staff: '工作人员提出' };
const STEP = {
  propose: '党组织提议', deliberate: '两委会议商议', review: '党员大会审议', decide: '居民（代表）会议决议',
  publish_resolution: '决议公开', implement: '组织实施', publish_result: '实施结果公开',
};

async function all(client, path) { // every page of a staff list
  const out = [];
  for (let cursor = ''; ;) {
    const r = await client.get(`${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    out.push(...r.body.items);
    if (!r.body.next_cursor) return out;
    cursor = r.body.next_cursor;
  }
}

const thread = async (id) => {
  const r = await srv.json(`/api/v1/matters/${id}/thread`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
  staff = await srv.login('longqiao');
  unit = (await staff.get('/api/v1/units?kind=community&q=龙桥社区')).body.items.find((u) => u.name === '龙桥社区');
  assert.ok(unit, 'the demo has 龙桥社区');
  code = unit.code;
  const r = await srv.json(`/api/v1/public/units/${code}/matters`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  list = r.body.items;
  const done = list.find((m) => m.state === 'done');
  const mid = list.find((m) => m.major && m.next_step === 'decide');
  assert.ok(done, 'the demo has a matter of 龙桥 that took all seven steps');
  assert.ok(mid, 'the demo has a major matter of 龙桥 waiting for the residents\' decision');
  finished = await thread(done.id);
  midway = await thread(mid.id);
  assert.equal(finished.steps.length, 7);
  assert.ok(finished.project, 'the finished matter has its project');
  assert.ok(midway.sources.appeals.length > 0, 'the midway matter came from appeals of 龙桥');

  // who must never be named on a public page: the community's residents, its
  // representatives, and whoever proposed or was appointed in its meetings
  const names = new Set();
  for (const x of await all(staff, `/api/v1/residents?unit=${unit.id}`)) names.add(x.name);
  for (const x of await all(staff, `/api/v1/representatives?unit=${unit.id}`)) names.add(x.name);
  for (const m of [...finished.meetings, ...midway.meetings]) {
    const full = (await staff.get(`/api/v1/meetings/${m.id}`)).body;
    for (const i of full.invitees ?? []) names.add(i.name);
    for (const p of full.proposals ?? []) if (p.proposer_name) names.add(p.proposer_name);
    for (const a of full.resolution?.appointees ?? []) names.add(a.name);
  }
  hidden = [...names].filter((n) => n && n.length >= 2);
  assert.ok(hidden.length > 0);
});

after(async () => {
  await browser?.close();
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

async function as(username) {
  const ctx = await browser.newContext(MOBILE);
  if (username) {
    const who = await srv.login(username);
    await ctx.addCookies([{ name: 'shuniu_session', value: who.cookie, url: srv.url('/') }]);
  }
  const page = await ctx.newPage();
  return { ctx, page, problems: watch(page) };
}

async function nobodyNamed(page) {
  const text = await page.evaluate(() => document.body.textContent);
  for (const n of hidden) assert.ok(!text.includes(n), `a person's name on the page: ${n}`);
  assert.doesNotMatch(text, /(?<!\d)1[3-9]\d{9}(?!\d)/, 'a mobile number on the page');
}

test('signed out, on a phone, anyone reads a finished matter\'s whole thread from the community page and follows it to the project and the commitment', async () => {
  const { ctx, page, problems } = await as(null);
  await page.goto(srv.url(`/p/${code}`));
  await page.getByRole('heading', { name: '龙桥社区', level: 1 }).waitFor();
  await page.getByRole('tab', { name: '议事' }).click();
  const cards = page.getByTestId('matter');
  await cards.first().waitFor();
  assert.equal(await cards.count(), list.length);
  await shot(page, 'thread-matters-tab');
  await page.locator(`[data-matter="${finished.matter.id}"]`).click();
  await page.waitForURL(`**/m/${finished.matter.id}`);
  await page.getByRole('heading', { name: finished.matter.title, level: 1 }).waitFor();

  // all seven steps of 四议两公开 done
  const steps = page.getByTestId('procedure');
  assert.equal(await steps.locator('li.done').count(), 7);
  assert.match(await page.getByTestId('matter-state').innerText(), /已公开结果/);

  // where it came from
  const source = await page.locator('[data-node="source"]').innerText();
  assert.ok(source.includes(`来源：${SOURCE[finished.sources.kind]}`), source);
  if (finished.sources.note) assert.ok(source.includes(finished.sources.note), source);
  for (const a of finished.sources.appeals) assert.ok(source.includes(a.case_no), a.case_no);

  // each meeting: type, invited as counts by kind, attendance, quorum, the votes, the resolution
  const meetings = page.getByTestId('thread-meeting');
  assert.equal(await meetings.count(), finished.meetings.length);
  assert.ok(finished.meetings.length >= 4, 'a major matter holds four meetings');
  for (const m of finished.meetings) {
    const card = page.locator(`[data-meeting="${m.id}"]`);
    const text = await card.innerText();
    assert.ok(text.includes(m.title), m.title);
    const invited = Object.values(m.invited).reduce((a, b) => a + b, 0);
    const byKind = await card.getByTestId('invited').innerText();
    assert.ok(byKind.startsWith(`${invited} 人`), byKind);
    for (const [k, n] of Object.entries(m.invited)) if (n > 0) assert.ok(byKind.includes(`${KIND[k]} ${n} 人`), `${byKind}: ${k}`);
    assert.equal(await card.getByTestId('present').innerText(), `${m.present} 人`);
    assert.equal(await card.getByTestId('quorum').innerText(), m.quorate ? '达到法定人数' : '未达到法定人数');
    const rows = card.getByTestId('proposal');
    assert.equal(await rows.count(), m.proposals.length);
    for (const [k, p] of m.proposals.entries()) {
      const row = await rows.nth(k).innerText();
      assert.ok(row.includes(p.title), p.title);
      assert.ok(row.includes(`赞成 ${p.for} · 反对 ${p.against} · 弃权 ${p.abstain}`), row);
      assert.equal(/未通过/.test(row), !p.passed, `${p.title}: passed ${p.passed}`);
      assert.equal(/采纳/.test(row), p.adopted, `${p.title}: adopted ${p.adopted}`);
    }
    if (m.resolution) {
      const res = await card.getByTestId('resolution').innerText();
      assert.ok(res.includes(m.resolution.text.slice(0, 20)), res);
      for (const a of m.resolution.appointees) assert.ok(res.includes(a.role), a.role);
    }
  }

  // the disclosure, over; the project, its spending, the commitment it serves, the result
  const disclosure = page.getByTestId('disclosure');
  assert.ok((await disclosure.innerText()).includes(finished.disclosure.text.slice(0, 20)));
  await disclosure.getByTestId('disclosure-ended').waitFor();
  assert.equal(await disclosure.getByTestId('countdown').count(), 0);
  assert.equal(await disclosure.getByTestId('objection').count(), finished.disclosure.objections.length);
  assert.equal(await disclosure.getByRole('button', { name: '提交异议' }).count(), 0, 'no objections after the period');
  assert.ok((await page.getByTestId('thread-project').innerText()).includes(finished.project.title));
  assert.equal(await page.getByTestId('thread-fund-entry').count(), finished.fund.entries.length);
  assert.ok((await page.getByTestId('thread-fund').innerText()).includes(`已支出 ${money(finished.fund.spent_fen)}`));
  assert.equal(await page.getByTestId('commitment-link').count(), finished.commitment_items.length);
  assert.ok((await page.getByTestId('result').innerText()).includes(finished.result.text.slice(0, 20)));
  await shot(page, 'thread-finished');
  assert.deepEqual(await audit(page), [], 'the thread is legible');
  await nobodyNamed(page);

  // to the project on the community page (its year's list, scrolled to it)
  await page.getByTestId('project-link').click();
  await page.waitForURL(`**/p/${code}?tab=projects**#project-${finished.project.id}`);
  const project = page.locator(`#project-${finished.project.id}`);
  await project.waitFor();
  assert.equal(await page.getByRole('tab', { name: '项目' }).getAttribute('aria-selected'), 'true');
  assert.ok((await project.innerText()).includes(finished.project.title));
  await page.waitForFunction((id) => {
    const r = document.getElementById(id)?.getBoundingClientRect();
    return r && r.top < window.innerHeight && r.bottom > 0;
  }, `project-${finished.project.id}`);

  // back, and to the commitment item it serves
  if (finished.commitment_items.length) {
    await page.goBack();
    const item = finished.commitment_items[0];
    await page.getByTestId('commitment-link').filter({ hasText: item.title }).click();
    await page.waitForURL(`**/p/${code}?tab=commitments#commitment-${item.id}`);
    await page.locator(`#commitment-${item.id}`).waitFor();
    assert.equal(await page.getByRole('tab', { name: '承诺' }).getAttribute('aria-selected'), 'true');
  }
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the matter midway through 四议两公开 shows three steps done and the residents\' decision still to come', async () => {
  const { ctx, page, problems } = await as(null);
  await page.goto(srv.url(`/m/${midway.matter.id}`));
  await page.getByRole('heading', { name: midway.matter.title, level: 1 }).waitFor();
  const steps = page.getByTestId('procedure');
  assert.equal(await steps.locator('li.done').count(), 3);
  // it came from appeals of 龙桥: each by its case number, category, status and date
  assert.equal(await page.getByTestId('source-appeal').count(), midway.sources.appeals.length);
  for (const a of midway.sources.appeals) {
    assert.ok((await page.getByTestId('source-appeal').filter({ hasText: a.case_no }).innerText()).includes(a.submitted_at.slice(0, 10)));
  }
  assert.ok((await steps.locator('li.next').innerText()).includes(STEP.decide));
  assert.equal(await page.getByTestId('thread-meeting').count(), midway.meetings.length);
  // the residents' meeting: still to be called, or called and shown with its date
  if (!midway.meetings.some((m) => m.state === 'scheduled' || m.state === 'held')) {
    assert.ok((await page.locator('[data-node="next-meeting"]').innerText()).includes(STEP.decide));
  }
  assert.match(await page.locator('[data-node="disclosure"]').innerText(), /尚未进行/);
  assert.match(await page.locator('[data-node="project"]').innerText(), /尚未立项/);
  await shot(page, 'thread-midway');
  await nobodyNamed(page);
  assert.deepEqual(problems, []);
  await ctx.close();
});

/* Staff hold the residents' meeting on the midway matter and publish the resolution (the API, as the console would). */
async function decideAndPublish(matterId) {
  const ok = (r, status = 200) => (assert.equal(r.status, status, JSON.stringify(r.body)), r.body);
  const reps = [];
  for (const [name, kind] of [['测试代表甲', 'resident'], ['测试代表乙', 'party_member'], ['测试代表丙', 'building_leader']]) {
    reps.push(ok(await staff.post('/api/v1/representatives', { unit_id: unit.id, name, kind }), 201).id);
    hidden.push(name);
  }
  const now = (await srv.json('/api/v1/meta')).body.server_time;
  const meeting = ok(await staff.post('/api/v1/meetings', {
    type: 'residents', unit_id: unit.id, matter_id: matterId, title: '居民代表会议：表决议题',
    starts_at: now, place: '龙桥社区议事厅', invitees: reps,
  }), 201);
  ok(await staff.post(`/api/v1/meetings/${meeting.id}/attendance`, { present: reps }));
  const proposal = ok(await staff.post(`/api/v1/meetings/${meeting.id}/proposals`, { title: '同意按方案实施' }), 201);
  for (const [k, id] of reps.entries()) {
    ok(await staff.post(`/api/v1/proposals/${proposal.id}/votes`, { representative_id: id, vote: k < 2 ? 'for' : 'against' }), 201);
  }
  ok(await staff.post(`/api/v1/meetings/${meeting.id}/resolution`, {
    text: '居民代表会议表决通过实施方案。', adopted: [proposal.id],
    appointees: [{ name: '赵监督', role: '居民监督员' }],
  }));
  hidden.push('赵监督');
  ok(await staff.post(`/api/v1/matters/${matterId}/steps`, { step: 'decide', meeting_id: meeting.id }), 201);
  return ok(await staff.post(`/api/v1/matters/${matterId}/steps`, {
    step: 'publish_resolution', text: '决议：按居民代表会议通过的方案实施，公示七天。', days: 7,
  }), 201);
}

test('during the disclosure period a resident objects and sees it waiting, then answered; a second objection is refused in words; after the period the form is gone', async () => {
  const id = midway.matter.id;
  const published = await decideAndPublish(id);
  const d = published.disclosure;
  assert.equal(d.open, true);

  // a visitor is called to it from the community page, sees the countdown and is asked to sign in
  const visitor = await as(null);
  await visitor.page.goto(srv.url(`/p/${code}`));
  const call = visitor.page.getByTestId('disclosing-call');
  await call.waitFor();
  assert.equal(await call.count(), 1, 'only the matter being disclosed is called out');
  assert.ok((await call.innerText()).includes(midway.matter.title));
  assert.deepEqual(await audit(visitor.page), [], 'the call is legible');
  await shot(visitor.page, 'thread-disclosing-call');
  await call.click();
  await visitor.page.waitForURL(`**/m/${id}`);
  const vbox = visitor.page.getByTestId('disclosure');
  await vbox.getByTestId('countdown').waitFor();
  const now = Date.parse((await srv.json('/api/v1/meta')).body.server_time);
  const mins = Math.floor((Date.parse(d.implement_from) - now) / 60e3);
  const [, days, hours] = /距公示期结束还有 (\d+) 天 (\d+) 小时/.exec(await vbox.getByTestId('countdown').innerText()) ?? [];
  assert.equal(Number(days), Math.floor(mins / 1440));
  assert.ok(Math.abs(Number(hours) - Math.floor((mins % 1440) / 60)) <= 1, `${hours} hours`);
  assert.ok((await vbox.innerText()).includes(`公示期至 ${d.ends_on}`));
  await vbox.getByText('本社区居民登录后可在公示期内提出异议').waitFor();
  assert.equal(await vbox.getByRole('button', { name: '提交异议' }).count(), 0);
  assert.deepEqual(visitor.problems, []);
  await visitor.ctx.close();

  // a resident of another community may not object, and is told so
  const other = (await (await srv.login('district')).get('/api/v1/units?kind=community&limit=50')).body.items.find((u) => u.id !== unit.id);
  addUser(srv.data.dir, 'thread.outsider', 'resident', other.code);
  const outsider = await as('thread.outsider');
  await outsider.page.goto(srv.url(`/m/${id}`));
  const obox = outsider.page.getByTestId('disclosure');
  await obox.getByLabel('异议理由').fill('我也有意见');
  await obox.getByRole('button', { name: '提交异议' }).click();
  await obox.getByRole('alert').filter({ hasText: '只有本社区登记的居民可以提出异议' }).waitFor();
  assert.deepEqual(outsider.problems.filter((p) => !/status of 403/.test(p)), []);
  await outsider.ctx.close();

  // the resident objects; a page opened before still offers the form
  const { ctx, page, problems } = await as('resident');
  const stale = await ctx.newPage();
  const staleProblems = watch(stale);
  await stale.goto(srv.url(`/m/${id}`));
  await page.goto(srv.url(`/m/${id}`));
  const box = page.getByTestId('disclosure');
  const reason = '施工时间请避开午休，噪音太大';
  await box.getByLabel('异议理由').fill(reason);
  assert.deepEqual(await audit(page), [], 'the objection form is labelled and legible');
  await shot(page, 'thread-objection-form');
  await box.getByRole('button', { name: '提交异议' }).click();
  await box.getByTestId('objection-sent').waitFor();
  const mine = box.getByTestId('objection').filter({ hasText: reason });
  await mine.waitFor();
  assert.match(await mine.innerText(), /待答复/);
  assert.equal(await box.getByRole('button', { name: '提交异议' }).count(), 0);
  await shot(page, 'thread-objection-sent');

  // one objection per resident per matter
  const sbox = stale.getByTestId('disclosure');
  await sbox.getByLabel('异议理由').fill('再提一次');
  await sbox.getByRole('button', { name: '提交异议' }).click();
  await sbox.getByRole('alert').filter({ hasText: '您已对这项决议提出过异议，每项只能提出一次' }).waitFor();
  await shot(stale, 'thread-objection-refused');

  // the community answers in public; the resident sees the answer
  const objections = (await staff.get(`/api/v1/matters/${id}/objections`)).body.items;
  const o = objections.find((x) => x.text === reason);
  assert.ok(o, JSON.stringify(objections));
  const answered = await staff.post(`/api/v1/matter-objections/${o.id}/answer`, { text: '施工安排在上午九点至十一点半、下午两点至五点。' });
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  await page.reload();
  const answer = page.getByTestId('objection').filter({ hasText: reason });
  await answer.locator('.answer', { hasText: '施工安排在上午九点至十一点半' }).waitFor();
  assert.equal(await answer.getByText('待答复').count(), 0);
  await nobodyNamed(page);

  // the period ends (on the test clock): no countdown, no form
  const left = Math.ceil((Date.parse(d.implement_from) - Date.parse((await srv.json('/api/v1/meta')).body.server_time)) / 1000);
  await advanceClock(srv, left + 60);
  await page.reload();
  await box.getByTestId('disclosure-ended').waitFor();
  assert.equal(await box.getByTestId('countdown').count(), 0);
  assert.equal(await box.getByRole('button', { name: '提交异议' }).count(), 0);
  await shot(page, 'thread-disclosure-ended');
  assert.deepEqual(problems, []);
  assert.deepEqual(staleProblems.filter((p) => !/status of 409/.test(p)), []);
  await ctx.close();
});
