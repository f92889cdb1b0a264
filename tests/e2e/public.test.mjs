// A community's public page (/p/<code>) on a phone: anyone reads 龙桥社区's
// term commitments with their progress, its projects with where they came
// from and what they cost, the service fund's balance and ledger, and the
// 微实事 round — with no resident's name or phone anywhere on the page. A
// signed-in resident then votes in the round within its budget and sees the
// ballot recorded; a second ballot (from a page opened before the first was
// cast) is refused in words. The station's QR page and the resident's home
// lead to the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { openBrowser, advanceClock, watch, shot, audit } from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
let srv, browser, code, summary, commitments, projects, fund, round, residentNames;

/* Integer fen as the page shows it: "200,000.00 元". */
const money = (fen) => {
  const n = Math.abs(fen);
  const whole = String(Math.floor(n / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}${whole}.${String(n % 100).padStart(2, '0')} 元`;
};

before(async () => {
  srv = await startDistrict({ args: ['--web-root', resolve('web/dist')] });
  browser = await openBrowser(srv);
  const staff = await srv.login('longqiao');
  const unit = (await staff.get('/api/v1/units?kind=community&q=龙桥社区')).body.items.find((u) => u.name === '龙桥社区');
  assert.ok(unit, 'the demo has 龙桥社区');
  code = unit.code;
  const pub = async (path) => {
    const r = await srv.json(`/api/v1/public/units/${code}${path}`);
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  summary = await pub('');
  commitments = await pub('/commitments');
  projects = (await pub('/projects')).items;
  fund = await pub('/fund');
  round = (await pub('/micro')).rounds[0];
  assert.ok(commitments.lists[0]?.items.length >= 10, 'the demo gives 龙桥 its 10 commitments');
  assert.ok(projects.length > 0, 'the demo gives 龙桥 projects this year');
  assert.ok(fund.allocated_fen >= 20000000, 'the demo allocates 龙桥 its fund');
  assert.equal(round?.state, 'voting', 'the demo opens a 微实事 round in its voting window');
  assert.ok(round.proposals.length >= 2, 'with proposals to choose from');
  // who must never appear on the page: the community's residents
  const residents = (await staff.get(`/api/v1/residents?unit=${unit.id}&limit=200`)).body.items;
  // (a committee member the list publishes by name may also live here: that name is public by design)
  const members = new Set(commitments.lists.flatMap((l) => l.items.map((i) => i.member?.name).filter(Boolean)));
  residentNames = residents.map((r) => r.name).filter((n) => n && n.length >= 2 && !members.has(n));
  assert.ok(residentNames.length > 0);
});

after(async () => {
  await browser?.close();
  const r = await srv.stop();
  assert.equal(r.code, 0);
});

async function as(username, options = PHONE) {
  const ctx = await browser.newContext(options);
  if (username) {
    const who = await srv.login(username);
    await ctx.addCookies([{ name: 'shuniu_session', value: who.cookie, url: srv.url('/') }]);
  }
  const page = await ctx.newPage();
  return { ctx, page, problems: watch(page) };
}

const tab = (page, name) => page.getByRole('tab', { name });

test('signed out, on a phone, anyone reads the commitments, a project, the fund and the 微实事 round; no resident is named', async () => {
  const { ctx, page, problems } = await as(null);
  await page.goto(srv.url(`/p/${code}`));
  await page.getByRole('heading', { name: '龙桥社区', level: 1 }).waitFor();
  if (summary.unit.party_org) await page.getByText(summary.unit.party_org).first().waitFor();
  const hero = await page.locator('.pub-hero').innerText();
  assert.match(hero, new RegExp(`${summary.commitments.percent}%`));
  assert.match(hero, new RegExp(`承诺完成 ${summary.commitments.done}/${summary.commitments.items} 项`));

  // 承诺: every item of the list, each with its progress, state and (where so) 超期 / 已销号
  const list = commitments.lists[0];
  const items = page.locator('[data-testid=commitment-item]');
  await items.first().waitFor();
  assert.equal(await items.count(), commitments.lists.reduce((n, l) => n + l.items.length, 0));
  for (const i of list.items.slice(0, 10)) {
    const card = page.locator(`#commitment-${i.id}`);
    const text = await card.innerText();
    assert.ok(text.includes(i.title), i.title);
    assert.equal(await card.locator('.van-progress__pivot').innerText(), `${i.percent}%`);
    assert.match(text, { in_progress: /推进中/, verifying: /待街道核验/, done: /已销号/ }[i.state]);
    assert.equal(/已超期/.test(text), i.overdue, `${i.title}: overdue ${i.overdue}`);
  }
  const named = list.items.find((i) => i.member);
  if (named) assert.match(await page.locator('.list').first().innerText(), new RegExp(`${named.member.name}（${named.member.post}）`));
  assert.match(await page.locator('.commitments').innerText(), /本社区居民登录后可留言/);
  await shot(page, 'public-commitments');
  assert.deepEqual(await audit(page), [], 'the commitments are legible');

  // 项目: the year's projects with budget against spending and where they came from
  await tab(page, '项目').click();
  const p = projects.find((x) => x.sources.appeals.length || x.sources.hotspot) ?? projects[0];
  const card = page.locator(`#project-${p.id}`);
  await card.waitFor();
  const ptext = await card.innerText();
  assert.ok(ptext.includes(p.title));
  assert.ok(ptext.includes(`预算 ${money(p.budget_fen)}`), ptext);
  assert.ok(ptext.includes(`已支出 ${money(p.spent_fen)}`), ptext);
  for (const a of p.sources.appeals) assert.ok(ptext.includes(a.case_no), a.case_no);
  for (const c of p.commitment_items) assert.ok(ptext.includes(c.title), c.title);
  await shot(page, 'public-projects');

  // 经费: allocated, spent, balance and the ledger
  await tab(page, '经费').click();
  await page.getByTestId('fund-balance').waitFor();
  assert.equal(await page.getByTestId('fund-balance').innerText(), money(fund.balance_fen));
  assert.ok((await page.getByTestId('fund-totals').innerText()).includes(money(fund.allocated_fen)));
  assert.equal(await page.getByTestId('fund-entry').count(), fund.entries.length);
  await shot(page, 'public-fund');

  // 微实事: the round in its voting window, its proposals at their admitted cost; voting needs signing in
  await tab(page, '微实事').click();
  const r = page.locator(`[data-round="${round.id}"]`);
  await r.waitFor();
  const rtext = await r.innerText();
  assert.ok(rtext.includes(round.title));
  assert.match(rtext, /投票中/);
  assert.ok(rtext.includes(money(round.budget_fen)));
  for (const x of round.proposals) assert.ok(rtext.includes(x.title) && rtext.includes(money(x.cost_fen)), x.title);
  assert.match(rtext, /本社区居民登录后可以投票/);
  assert.equal(await r.getByRole('checkbox').count(), 0, 'no ballot for a visitor');
  await shot(page, 'public-micro');
  assert.deepEqual(await audit(page), [], 'the round is legible');

  // nothing on any tab names a resident or shows a phone number
  const all = await page.evaluate(() => document.body.textContent);
  for (const n of residentNames) assert.ok(!all.includes(n), `a resident's name on the page: ${n}`);
  assert.doesNotMatch(all, /(?<!\d)1[3-9]\d{9}(?!\d)/, 'a mobile number on the page');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the station\'s QR page links to its community\'s public page', async () => {
  const staff = await srv.login('longqiao');
  const station = (await staff.get('/api/v1/stations?limit=1')).body.items[0];
  const visitor = await as(null);
  await visitor.page.goto(srv.url(`/s/${station.public_code}`));
  await visitor.page.getByTestId('public-link').click();
  await visitor.page.waitForURL(`**/p/${code}`);
  await visitor.page.getByRole('heading', { name: '龙桥社区', level: 1 }).waitFor();
  assert.deepEqual(visitor.problems, []);
  await visitor.ctx.close();
});

test('the resident\'s home leads to their own community\'s public page', async () => {
  const resident = await as('resident');
  await resident.page.goto(srv.url('/'));
  await resident.page.getByTestId('public-tile').click();
  await resident.page.waitForURL(`**/p/${code}`);
  await resident.page.getByRole('heading', { name: '龙桥社区', level: 1 }).waitFor();
  assert.deepEqual(resident.problems, []);
  await resident.ctx.close();
});

test('a resident votes within the budget and sees the ballot recorded; a second ballot is refused in words', async () => {
  const { ctx, page, problems } = await as('resident');
  const url = srv.url(`/p/${code}?tab=micro`);
  // a second page opened before the vote: it still offers the ballot
  const stale = await ctx.newPage();
  const staleProblems = watch(stale);
  await stale.goto(url);
  await page.goto(url);
  const r = page.locator(`[data-round="${round.id}"]`);
  await r.getByRole('checkbox').first().waitFor();
  assert.equal(await r.getByRole('checkbox').count(), round.proposals.length);

  // most expensive first, as long as it fits: the page must refuse a tick past the budget
  const byCost = [...round.proposals].sort((a, b) => b.cost_fen - a.cost_fen);
  let left = round.budget_fen;
  const chosen = [];
  for (const x of byCost) {
    const box = r.getByRole('checkbox', { name: x.title, exact: true });
    if (x.cost_fen <= left) {
      await box.click();
      await r.getByRole('checkbox', { name: x.title, exact: true, checked: true }).waitFor();
      left -= x.cost_fen;
      chosen.push(x);
    } else {
      assert.equal(await box.getAttribute('aria-disabled'), 'true', `${x.title} does not fit the ${left} fen left`);
    }
  }
  const total = round.budget_fen - left;
  assert.ok(chosen.length > 0);
  assert.equal(await r.getByTestId('micro-total').innerText(), `已选 ${money(total)} / 预算 ${money(round.budget_fen)}`);
  await shot(page, 'public-micro-ballot');
  assert.deepEqual(await audit(page), [], 'the ballot is labelled and legible');

  await r.getByRole('button', { name: `投票（已选 ${chosen.length} 项）` }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确定投票' }).click();
  await r.getByTestId('voted').waitFor();
  await r.getByText(`选了 ${chosen.length} 项`).waitFor();
  assert.equal(await r.getByRole('checkbox').count(), 0, 'no second ballot offered');
  await shot(page, 'public-micro-voted');
  const mine = await (await srv.login('resident')).get(`/api/v1/micro-rounds/${round.id}`);
  assert.deepEqual([...mine.body.my_ballot.proposal_ids].sort((a, b) => a - b), chosen.map((x) => x.id).sort((a, b) => a - b));

  // the stale page tries again: refused, in words, and then shows the ballot
  const s = stale.locator(`[data-round="${round.id}"]`);
  await s.getByRole('checkbox', { name: chosen[0].title, exact: true }).click();
  await s.getByRole('button', { name: '投票（已选 1 项）' }).click();
  await stale.getByRole('dialog').getByRole('button', { name: '确定投票' }).click();
  await s.getByRole('alert').filter({ hasText: '您已在本轮投过票，每位居民每轮只能投一次' }).waitFor();
  await s.getByTestId('voted').waitFor();
  await shot(stale, 'public-micro-second-ballot');
  const after = await (await srv.login('resident')).get(`/api/v1/micro-rounds/${round.id}`);
  assert.deepEqual(after.body.my_ballot.proposal_ids, mine.body.my_ballot.proposal_ids, 'the first ballot stands');
  assert.deepEqual(problems, []);
  assert.deepEqual(staleProblems.filter((p) => !/status of 409/.test(p)), []);
  await ctx.close();
});

test('a resident says an item is not as promised, with a reason; staff answer in public; a second one is refused in words', async () => {
  const { ctx, page, problems } = await as('resident');
  const item = commitments.lists[0].items.find((i) => i.state !== 'done') ?? commitments.lists[0].items[0];
  const reason = '楼道灯还是不亮，和承诺的不一样';
  await page.goto(srv.url(`/p/${code}`));
  const card = page.locator(`#commitment-${item.id}`);
  await card.getByRole('button', { name: '与承诺不符' }).click();
  const sheet = page.locator('.sheet');
  await sheet.getByLabel('理由').fill(reason);
  await sheet.getByRole('button', { name: '提交' }).click();
  await sheet.waitFor({ state: 'hidden' });
  await card.getByText('1 人反映与承诺不符').waitFor();
  await card.locator('summary').click();
  await card.locator('.comments li.objection', { hasText: reason }).waitFor();

  // the community answers; the answer shows under the objection, for everyone
  const staff = await srv.login('longqiao');
  const detail = await staff.get(`/api/v1/commitments/${item.id}`);
  const mine = detail.body.comments.find((c) => c.text === reason);
  assert.ok(mine, JSON.stringify(detail.body.comments));
  const answered = await staff.post(`/api/v1/commitment-comments/${mine.id}/answer`, { text: '已安排物业本周内更换' });
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  const visitor = await as(null);
  await visitor.page.goto(srv.url(`/p/${code}`));
  const vcard = visitor.page.locator(`#commitment-${item.id}`);
  await vcard.locator('summary').click();
  await vcard.locator('.answer', { hasText: '已安排物业本周内更换' }).waitFor();
  assert.equal(await vcard.getByRole('button', { name: '与承诺不符' }).count(), 0, 'a visitor cannot object');
  assert.deepEqual(visitor.problems, []);
  await visitor.ctx.close();

  // one objection per resident per item
  await card.getByRole('button', { name: '与承诺不符' }).click();
  await sheet.getByLabel('理由').fill('还是没有修好');
  await sheet.getByRole('button', { name: '提交' }).click();
  await sheet.getByRole('alert').filter({ hasText: '您已反映过这项承诺与承诺不符，每项只能反映一次' }).waitFor();
  await shot(page, 'public-commitment-objection-refused');
  assert.deepEqual(problems.filter((p) => !/status of 409/.test(p)), []);
  await ctx.close();
});

test('while a round takes proposals, a resident proposes one on the phone and sees it waiting for review', async () => {
  const staff = await srv.login('longqiao');
  const now = Date.parse((await srv.json('/api/v1/meta')).body.server_time);
  const at = (hours) => new Date(now + hours * 3600e3).toISOString();
  const unit = (await staff.get(`/api/v1/units?kind=community&q=龙桥社区`)).body.items.find((u) => u.code === code);
  const made = await staff.post('/api/v1/micro-rounds', {
    unit_id: unit.id, title: '龙桥社区冬季微实事', budget_fen: 5000000,
    proposal_start: at(-1), proposal_end: at(48), voting_start: at(72), voting_end: at(120),
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.state, 'proposing');

  const { ctx, page, problems } = await as('resident');
  await page.goto(srv.url(`/p/${code}?tab=micro`));
  const r = page.locator(`[data-round="${made.body.id}"]`);
  await r.getByRole('button', { name: '我要提议' }).click();
  await r.getByLabel('提议', { exact: true }).fill('河边步道加装路灯');
  await r.getByLabel('说明').fill('晚上散步太黑，建议沿河步道加装 6 盏太阳能路灯。');
  await r.getByLabel('估算费用（元）').fill('12000');
  assert.deepEqual(await audit(page), [], 'the proposal form is labelled and legible');
  await r.getByRole('button', { name: '提交提议' }).click();
  const mine = r.locator('.my-proposal', { hasText: '河边步道加装路灯' });
  await mine.waitFor();
  assert.match(await mine.innerText(), /待审核/);
  assert.match(await mine.innerText(), /12,000\.00 元/);
  await shot(page, 'public-micro-proposed');
  const seen = await staff.get(`/api/v1/micro-rounds/${made.body.id}`);
  const p = seen.body.proposals.find((x) => x.title === '河边步道加装路灯');
  assert.deepEqual([p?.status, p?.estimate_fen], ['submitted', 1200000]);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('once the voting window has closed, anyone sees the counts and what the rule chose', async () => {
  const now = Date.parse((await srv.json('/api/v1/meta')).body.server_time);
  await advanceClock(srv, Math.ceil((Date.parse(round.voting_end) - now) / 1000) + 3600);
  const results = (await srv.json(`/api/v1/micro-rounds/${round.id}/results`)).body;
  assert.equal(results.ballots, 1, 'the one ballot cast above');
  const { ctx, page, problems } = await as(null);
  await page.goto(srv.url(`/p/${code}?tab=micro`));
  const box = page.locator(`[data-round="${round.id}"]`).getByTestId('micro-results');
  await box.waitFor();
  const text = await box.innerText();
  assert.match(text, /计票结果（待社区公布）/);
  assert.match(text, /1 人投票/);
  assert.ok(text.includes(`入选合计 ${money(results.chosen_total_fen)}`), text);
  for (const x of results.items) assert.ok(text.includes(x.title) && text.includes(`${x.votes} 票`), x.title);
  assert.equal(await box.getByText('入选', { exact: true }).count(), results.items.filter((x) => x.chosen).length);
  await shot(page, 'public-micro-results');
  assert.deepEqual(problems, []);
  await ctx.close();
});
