// Online service applications (一网通办) in the browser: a resident applies
// for a certificate of residence on a phone with a photo of the materials;
// the community asks for more material in the console, the resident sends
// it, the community approves and completes, and the resident sees each step.
// The district administrator adds a service with its own form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict } from '../api/lib/district.mjs';
import { png } from '../api/lib/images.mjs';
import { openBrowser, watch, shot, DESKTOP, MOBILE } from './lib.mjs';

let srv, browser;
const photo = { name: 'material.png', mimeType: 'image/png', buffer: png(96, 64) };

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

async function addPhoto(page) {
  const before = await page.locator('.photos-group .van-uploader__preview').count();
  await page.locator('.photos-group input[type=file]').first().setInputFiles(photo);
  await page.locator('.photos-group .van-uploader__preview').nth(before).waitFor();
  await page.getByText('上传中…').waitFor({ state: 'detached' });
}

// A step in the console: the button, the note in its dialog, confirm.
async function step(page, name, note) {
  await page.locator('.action-buttons').getByRole('button', { name, exact: true }).click();
  const dialog = page.getByRole('dialog', { name });
  await dialog.waitFor();
  if (note) await dialog.getByRole('textbox').fill(note);
  await dialog.getByRole('button', { name: '确定' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

test('a resident applies with a photo; staff ask for material, the resident supplements; staff approve and complete; the resident sees each step', async () => {
  const r = await as('resident', MOBILE);
  await r.page.goto(srv.url('/'));
  await r.page.getByRole('link', { name: /一网通办/ }).click();
  await r.page.waitForURL('**/services');
  await r.page.locator('.service-residence_certificate').waitFor();
  await shot(r.page, 'resident-services');
  await r.page.locator('.service-residence_certificate').click();
  await r.page.waitForURL('**/services/*');
  await r.page.getByText('房产证或租赁合同照片').waitFor();

  // the form checks what the server checks, and says it under the field
  await r.page.locator('.field-purpose').getByText('入学', { exact: true }).click();
  await r.page.getByLabel('入住日期').fill('2019-09-01');
  await r.page.getByRole('button', { name: '提交申请' }).click();
  await r.page.locator('.field-address').getByText('请填写“居住地址”').waitFor();
  await r.page.getByText('请上传所需材料的照片').waitFor();
  assert.equal((await r.who.get('/api/v1/service-applications?mine=1')).body.items.length, 0, 'nothing was sent');

  await r.page.getByLabel('居住地址').fill('龙桥花园 3 幢 502 室');
  await r.page.getByLabel('补充说明').fill('孩子明年秋季入学');
  await addPhoto(r.page);
  await shot(r.page, 'resident-service-apply');
  await r.page.getByRole('button', { name: '提交申请' }).click();
  await r.page.waitForURL(/\/applications\/\d+$/);
  const id = Number(r.page.url().split('/').pop());
  await r.page.locator('.state', { hasText: '待受理' }).waitFor();
  const sent = (await r.who.get(`/api/v1/service-applications/${id}`)).body;
  assert.equal(sent.form.address, '龙桥花园 3 幢 502 室');
  assert.equal(sent.form.purpose, '入学');
  assert.equal(sent.form.since, '2019-09-01');
  assert.equal(sent.attachments.length, 1, 'the photo went with it');

  // the community asks for material: the note is required
  const s = await as('longqiao', DESKTOP);
  await s.page.goto(srv.url('/console/'));
  await s.page.getByRole('navigation').getByRole('link', { name: '办事申请', exact: true }).click();
  await s.page.waitForURL('**/console/applications**');
  const row = s.page.locator(`.applications tr.application-${id}`);
  await row.waitFor();
  assert.match(await row.innerText(), /居住证明/);
  assert.match(await row.innerText(), /待受理/);
  await shot(s.page, 'console-applications');
  await row.getByRole('link', { name: `查看申请 #${id}` }).click();
  await s.page.waitForURL(`**/console/applications/${id}`);
  await s.page.locator('.answer-address', { hasText: '龙桥花园 3 幢 502 室' }).waitFor();
  await s.page.locator('.photos img').first().waitFor();
  const buttons = await s.page.locator('.action-buttons .el-button').allInnerTexts();
  assert.deepEqual(buttons.map((b) => b.trim()), ['受理', '要求补充材料', '不予通过'], 'exactly the allowed steps');
  await s.page.locator('.action-buttons').getByRole('button', { name: '要求补充材料', exact: true }).click();
  const dialog = s.page.getByRole('dialog', { name: '要求补充材料' });
  await dialog.getByRole('button', { name: '确定' }).click();
  await dialog.getByText('请填写说明').waitFor();
  await dialog.getByRole('textbox').fill('请补充租赁合同的第二页（含租期）');
  await dialog.getByRole('button', { name: '确定' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await s.page.locator('.state', { hasText: '待补充材料' }).waitFor();
  await shot(s.page, 'console-application');

  // the resident sees the note and supplements with another photo
  await r.page.reload();
  await r.page.getByText('办理人员说明：请补充租赁合同的第二页（含租期）').waitFor();
  assert.equal(await r.page.getByLabel('居住地址').inputValue(), '龙桥花园 3 幢 502 室', 'the answers come filled in');
  await addPhoto(r.page);
  await shot(r.page, 'resident-application-supplement');
  await r.page.getByRole('button', { name: '提交补充材料' }).click();
  await r.page.locator('.state', { hasText: '办理中' }).waitFor();

  // staff approve and complete
  await s.page.reload();
  await s.page.locator('.state', { hasText: '办理中' }).waitFor();
  await s.page.locator('.ev-supplement .photos img').first().waitFor();
  await step(s.page, '审核通过');
  await s.page.locator('.state', { hasText: '审核通过' }).waitFor();
  await step(s.page, '办结', '证明已开具，请到社区党群服务中心领取');
  await s.page.locator('.state', { hasText: '已办结' }).waitFor();
  assert.equal(await s.page.locator('.action-buttons').count(), 0, 'nothing left to do');
  assert.deepEqual(s.problems, []);
  await s.ctx.close();

  // the resident sees every step, in their language
  await r.page.reload();
  await r.page.locator('.state', { hasText: '已办结' }).waitFor();
  for (const cls of ['submit', 'request_material', 'supplement', 'approve', 'complete']) await r.page.locator(`.step-${cls}`).waitFor();
  assert.match(await r.page.locator('.timeline').innerText(), /提交申请[\s\S]*/);
  assert.match(await r.page.locator('.step-complete').innerText(), /办结[\s\S]*证明已开具/);
  await shot(r.page, 'resident-application');
  await r.page.goto(srv.url('/applications'));
  await r.page.locator(`.application-${id}`, { hasText: '已办结' }).waitFor();
  await shot(r.page, 'resident-applications');
  assert.deepEqual(r.problems, []);
  await r.ctx.close();
});

test('a resident may withdraw before a decision; the English app says the steps in English', async () => {
  const resident = await srv.login('resident');
  const item = (await resident.get('/api/v1/service-items')).body.items.find((i) => i.code === 'senior_card');
  const made = await resident.post('/api/v1/service-applications', {
    item_id: item.id, form: { name: '王秀英', id_number: '11010519491231002X', birth_date: '1949-12-31', pickup: '到社区领取' },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const { ctx, page, problems } = await as('resident', MOBILE);
  await ctx.addInitScript(() => localStorage.setItem('shuniu.locale', 'en'));
  await page.goto(srv.url(`/applications/${made.body.id}`));
  await page.locator('.state', { hasText: 'Submitted' }).waitFor();
  await page.getByText('Senior preferential card').waitFor();
  await page.locator('.answer-id_number', { hasText: 'ID number' }).waitFor();
  await page.getByRole('button', { name: 'Withdraw' }).click();
  await page.locator('.van-dialog').getByRole('button', { name: 'Confirm' }).click();
  await page.locator('.state', { hasText: 'Withdrawn' }).waitFor();
  await page.locator('.step-withdraw', { hasText: 'Withdrawn' }).waitFor();
  assert.equal((await resident.get(`/api/v1/service-applications/${made.body.id}`)).body.status, 'withdrawn');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('staff read a senior card application masked and show the numbers only through an audited reveal', async () => {
  const resident = await srv.login('resident');
  const item = (await resident.get('/api/v1/service-items')).body.items.find((i) => i.code === 'senior_card');
  const made = await resident.post('/api/v1/service-applications', {
    item_id: item.id, form: { name: '王秀英', id_number: '11010519491231002X', birth_date: '1949-12-31', pickup: '到社区领取' },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const s = await as('longqiao', DESKTOP);
  await s.page.goto(srv.url(`/console/applications/${made.body.id}`));
  await s.page.locator('.answer-id_number', { hasText: '110105***********X' }).waitFor();
  await s.page.locator('.answer-birth_date', { hasText: '1949-12-**' }).waitFor();
  await s.page.locator('.reveal-answers').click();
  await s.page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
  await s.page.locator('.answer-id_number', { hasText: '11010519491231002X' }).waitFor();
  await s.page.locator('.answer-birth_date', { hasText: '1949-12-31' }).waitFor();
  assert.equal(await s.page.locator('.reveal-answers').count(), 0);
  assert.deepEqual(s.problems, []);
  await s.ctx.close();
  const auditor = await srv.login('auditor');
  const log = await auditor.get('/api/v1/audit?action=service_application.reveal&limit=50');
  assert.ok(log.body.items.some((x) => String(x.object_id) === String(made.body.id)), 'the reveal is audited');
});

test('the district adds a service with its own form; the resident is asked exactly those fields', async () => {
  const { ctx, page, problems } = await as('district', DESKTOP);
  await page.goto(srv.url('/console/service-items'));
  await page.locator('.items tr.item-residence_certificate').waitFor();
  await page.getByRole('button', { name: '新建事项' }).click();
  const dialog = page.getByRole('dialog', { name: '新建事项' });
  await dialog.waitFor();
  await dialog.getByLabel('名称', { exact: true }).fill('E2E 独生子女证明');
  await dialog.getByLabel('英文名称').fill('One-child certificate');
  await dialog.getByLabel('编码').fill('e2e_one_child');
  await dialog.getByLabel('办事指南').fill('为本社区居民出具独生子女证明。');
  await dialog.getByRole('button', { name: '添加材料' }).click();
  await dialog.getByLabel('材料名称 1').fill('户口簿照片');
  await dialog.getByRole('button', { name: '添加字段' }).click();
  await dialog.getByLabel('字段键 1').fill('child_name');
  await dialog.getByLabel('标签 1', { exact: true }).fill('子女姓名');
  await dialog.getByLabel('英文标签 1').fill("Child's name");
  await dialog.getByRole('button', { name: '添加字段' }).click();
  await dialog.getByLabel('字段键 2').fill('use');
  await dialog.getByLabel('标签 2', { exact: true }).fill('用途');
  await dialog.locator('.el-select:has(input[aria-label="类型 2"])').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '单选' }).click();
  await dialog.getByLabel('选项（每行一个） 2').fill('入学\n就业');
  await dialog.locator('.field-1').getByText('必填').click();
  // the second field first
  await dialog.getByRole('button', { name: '上移字段 2' }).click();
  await shot(page, 'console-service-item-dialog');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const row = page.locator('.items tr.item-e2e_one_child');
  await row.waitFor();
  await shot(page, 'console-service-items');
  const district = await srv.login('district');
  const it = (await district.get('/api/v1/service-items?all=1')).body.items.find((x) => x.code === 'e2e_one_child');
  assert.deepEqual(it.form, [
    { key: 'use', label: '用途', type: 'select', required: true, options: ['入学', '就业'] },
    { key: 'child_name', label: '子女姓名', label_en: "Child's name", type: 'text', required: false },
  ]);
  assert.deepEqual(it.materials, [{ name: '户口簿照片', required: true }]);
  assert.equal(it.active, true);

  // the resident's form has those fields; switched off, it leaves the catalogue
  const r = await as('resident', MOBILE);
  await r.page.goto(srv.url(`/services/${it.id}`));
  await r.page.locator('.field-use').getByText('就业', { exact: true }).waitFor();
  await r.page.getByLabel('子女姓名').waitFor();
  // wait for the change itself: the "已保存" of the dialog's save may still be on screen
  const patched = page.waitForResponse((res) => res.request().method() === 'PATCH' && res.url().includes('/api/v1/service-items/'));
  await row.locator('.el-switch:has(input[aria-label="上架 E2E 独生子女证明"])').click();
  assert.equal((await patched).status(), 200);
  assert.equal((await district.get('/api/v1/service-items?all=1')).body.items.find((x) => x.code === 'e2e_one_child').active, false);
  await r.page.goto(srv.url('/services'));
  await r.page.locator('.service-residence_certificate').waitFor();
  assert.equal(await r.page.locator('.service-e2e_one_child').count(), 0);
  assert.deepEqual(r.problems, []);
  await r.ctx.close();
  assert.deepEqual(problems, []);
  await ctx.close();
});
