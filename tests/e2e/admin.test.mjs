// The administrators' console (三员分立): the system administrator creates an
// account that can then sign in, and disables it so that it no longer can;
// the auditor sees those actions in the audit log; neither sees the other's
// page in the menu, nor reaches it by its address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { startDistrict, login } from '../api/lib/district.mjs';
import { cli } from '../api/lib/harness.mjs';
import { openBrowser, watch, shot, DESKTOP } from './lib.mjs';

const NEW_USER = 'e2e.worker';
const NEW_PW = 'E2e-Worker-Passw0rd';

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

async function signIn(page, username, password) {
  await page.goto(srv.url('/console/login'));
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

const menu = async (page) => (await page.getByRole('navigation').getByRole('link').allInnerTexts()).map((s) => s.trim());

test('the system administrator creates an account that signs in, then disables it; the auditor sees both in the audit log', async () => {
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  const problems = watch(page);
  // The one expected refusal: the weak password's 400, which Chromium logs as a console error.
  const refused = [];
  page.on('response', (r) => { if (r.status() >= 400) refused.push(`${r.status()} ${new URL(r.url()).pathname}`); });

  // the system administrator lands on the accounts page; no audit log in the menu
  await signIn(page, 'sysadmin', srv.passwords.sysadmin);
  await page.waitForURL('**/console/accounts');
  await page.locator('.accounts .el-table__row').first().waitFor();
  const sysMenu = await menu(page);
  assert.ok(sysMenu.includes('账号管理'), sysMenu.join(','));
  assert.ok(!sysMenu.includes('审计日志'), sysMenu.join(','));
  assert.ok(!sysMenu.includes('工作队列'), 'no appeal pages for the system administrator');
  assert.equal(await page.locator('nav [aria-current=page]').innerText(), '账号管理');

  // create
  await page.getByRole('button', { name: '新建账号' }).click();
  const dialog = page.locator('.account-dialog');
  await dialog.waitFor();
  await dialog.getByLabel('用户名').fill(NEW_USER);
  await dialog.getByLabel('姓名').fill('端到端 网格员');
  await dialog.locator('label.el-checkbox', { hasText: '网格员' }).click();
  assert.equal(await dialog.locator('label.el-checkbox', { hasText: '安全审计员' }).count(), 0, 'no administrator roles without account:roles');
  await dialog.getByLabel('初始密码').fill('weak');
  await dialog.getByRole('button', { name: '提交' }).click();
  await dialog.getByText('密码强度不够').waitFor();
  await dialog.getByLabel('初始密码').fill(NEW_PW);
  await dialog.getByRole('button', { name: '提交' }).click();
  await page.getByText(`账号 ${NEW_USER} 已创建`).waitFor();
  await dialog.waitFor({ state: 'hidden' });

  // find it with the search box
  await page.getByLabel('搜索', { exact: true }).fill(NEW_USER);
  await page.getByLabel('搜索', { exact: true }).press('Enter');
  const row = page.locator(`.accounts tr.account-${NEW_USER.replace('.', '-')}`);
  await row.waitFor();
  assert.equal(await page.locator('.accounts .el-table__row').count(), 1);
  assert.match(await row.innerText(), /端到端 网格员/);
  assert.match(await row.innerText(), /网格员/);
  assert.match(await row.innerText(), /正常/);
  assert.match(await row.innerText(), /吴中区/);

  // move it to a street with the unit picker, which opens the tree level by level
  await row.getByRole('button', { name: '编辑' }).click();
  await dialog.waitFor();
  await dialog.locator('.unit-picker').click();
  const tree = page.locator('.el-tree-select__popper:visible');
  await tree.locator('.el-tree-node__content', { hasText: '吴中区' }).first().locator('.el-tree-node__expand-icon').click();
  await tree.locator('.el-tree-node__content', { hasText: '长桥街道' }).first().click();
  await dialog.getByRole('button', { name: '提交' }).click();
  await page.getByText('已保存').waitFor();
  await dialog.waitFor({ state: 'hidden' });
  await row.getByText('长桥街道').waitFor();
  await shot(page, 'console-accounts');

  // the new account signs in
  const other = await browser.newContext(DESKTOP);
  const op = await other.newPage();
  const opProblems = watch(op);
  await signIn(op, NEW_USER, NEW_PW);
  await op.getByRole('navigation').getByRole('link', { name: '工作队列', exact: true }).waitFor();
  await op.getByText('端到端 网格员').waitFor();
  assert.ok(!(await menu(op)).includes('账号管理'));
  assert.deepEqual(opProblems, []);

  // disable it, after a confirmation
  await row.getByRole('button', { name: '停用' }).click();
  const box = page.locator('.el-message-box');
  await box.waitFor();
  assert.match(await box.innerText(), /会话立即结束/);
  await box.getByRole('button', { name: '确定' }).click();
  await row.getByText('已停用').waitFor();
  await row.getByRole('button', { name: '启用' }).waitFor();

  // the state filter: active hides it, and clearing the filter shows every state again
  const listed = [];
  page.on('request', (q) => { if (/\/api\/v1\/accounts\?/.test(q.url())) listed.push(new URL(q.url()).searchParams); });
  const state = page.locator('.filters .el-select').filter({ has: page.locator('#acc-state') });
  await state.click();
  await page.getByRole('option', { name: '正常' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal(listed.at(-1).get('disabled'), 'false');
  await state.hover();
  await state.locator('.el-select__clear').click();
  await row.waitFor();
  assert.equal(listed.at(-1).get('disabled'), null, 'no state filter once cleared');
  await state.click();
  await page.getByRole('option', { name: '已停用' }).click();
  await row.waitFor();
  assert.equal(listed.at(-1).get('disabled'), 'true');
  assert.equal(await page.getByRole('option', { name: '居民', exact: true }).count(), 0, 'no resident filter: resident accounts are not listed');
  const reloaded = page.waitForResponse((q) => /\/api\/v1\/accounts\?/.test(q.url()));
  await state.hover();
  await state.locator('.el-select__clear').click();
  await reloaded;
  assert.equal(listed.at(-1).get('disabled'), null);
  const r = await srv.post('/api/v1/auth/login', { username: NEW_USER, password: NEW_PW });
  assert.equal(r.status, 401, 'a disabled account cannot sign in');
  const me = await srv.json('/api/v1/auth/me', { headers: { cookie: (await other.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } });
  assert.equal(me.status, 401, 'its open session ended');
  await other.close();

  // the audit log is not the system administrator's, even by its address
  await page.goto(srv.url('/console/audit'));
  await page.waitForURL('**/console/accounts');
  assert.deepEqual(refused, ['400 /api/v1/accounts']);
  const rest = problems.filter((p) => !/^console: Failed to load resource: the server responded with a status of 400/.test(p));
  assert.ok(problems.length - rest.length <= 1);
  assert.deepEqual(rest, []);
  await ctx.close();

  // the auditor lands on the audit log and sees the creation and the disabling
  const actx = await browser.newContext(DESKTOP);
  const ap = await actx.newPage();
  const aProblems = watch(ap);
  await signIn(ap, 'auditor', srv.passwords.auditor);
  await ap.waitForURL('**/console/audit');
  assert.deepEqual(await menu(ap), ['审计日志']);
  const created = ap.locator('.audit tr.action-account-create');
  const disabled = ap.locator('.audit tr.action-account-disable');
  await created.first().waitFor();
  await disabled.first().waitFor();
  assert.match(await created.first().innerText(), /sysadmin[\s\S]*新建账号[\s\S]*账号 #\d+/);
  assert.match(await disabled.first().innerText(), /sysadmin[\s\S]*停用账号/);
  const id = /账号 #(\d+)/.exec(await created.first().innerText())[1];
  assert.match(await disabled.first().innerText(), new RegExp(`账号 #${id}\\b`), 'the same account');
  await shot(ap, 'console-audit');

  // filter by action: every action the server audits has a name, registrations and bookings too
  await ap.getByLabel('操作', { exact: true }).click();
  for (const name of ['确认居民注册 (registration.confirm)', '驳回居民注册 (registration.reject)', '通过场地预约 (booking.approve)', '新建场地 (venue.create)']) {
    assert.equal(await ap.getByRole('option', { name, exact: true }).count(), 1, name);
  }
  await ap.getByRole('option', { name: '停用账号 (account.disable)' }).click();
  await ap.locator('.audit tr.action-account-create').first().waitFor({ state: 'detached' });
  const rows = await ap.locator('.audit .el-table__row').count();
  assert.ok(rows >= 1);
  assert.equal(await ap.locator('.audit tr.action-account-disable').count(), rows);

  // and the accounts page is not the auditor's
  await ap.goto(srv.url('/console/accounts'));
  await ap.waitForURL('**/console/audit');
  assert.deepEqual(aProblems, []);
  await actx.close();
});

test('the security administrator grants an administrator role in place of the business roles, and sees no audit log', async () => {
  const ctx = await browser.newContext(DESKTOP);
  const page = await ctx.newPage();
  const problems = watch(page);
  await signIn(page, 'secadmin', srv.passwords.secadmin);
  await page.waitForURL('**/console/accounts');
  assert.deepEqual(await menu(page), ['账号管理']);
  assert.equal(await page.getByRole('button', { name: '新建账号' }).count(), 0, 'creating is the system administrator\'s');
  await page.getByLabel('搜索', { exact: true }).fill('volunteer');
  await page.getByLabel('搜索', { exact: true }).press('Enter');
  const row = page.locator('.accounts tr.account-volunteer');
  await row.waitFor();
  await row.getByRole('button', { name: '编辑' }).click();
  const dialog = page.locator('.account-dialog');
  await dialog.waitFor();
  await dialog.locator('label.el-checkbox', { hasText: '安全审计员' }).waitFor();
  await shot(page, 'console-accounts-secadmin-edit');
  assert.equal(await dialog.getByLabel('姓名').isDisabled(), true);
  // an administrator role stands alone: ticking it clears the business roles
  const before = await login(srv, 'volunteer', srv.passwords.volunteer);
  assert.equal(await dialog.locator('.grant-voids').count(), 0);
  await dialog.locator('label.el-checkbox', { hasText: '安全审计员' }).click();
  assert.equal(await dialog.locator('label.el-checkbox.is-checked').allInnerTexts().then((x) => x.map((s) => s.trim()).join()), '安全审计员');
  // the dialog says what the grant does to the password, and how to set the new one
  assert.match(await dialog.locator('.grant-voids').innerText(), /原有密码作废[\s\S]*shuniu user reset-password --username volunteer/);
  await dialog.getByRole('button', { name: '提交' }).click();
  await page.getByText('已保存').waitFor();
  await dialog.waitFor({ state: 'hidden' });
  await row.locator('.el-tag', { hasText: '安全审计员' }).waitFor();
  await row.locator('.el-tag', { hasText: '未设密码' }).waitFor();
  // the old password and session are void until the password is set on the server
  assert.equal((await before.get('/api/v1/auth/me')).status, 401, 'the session ended');
  const old = await srv.post('/api/v1/auth/login', { username: 'volunteer', password: srv.passwords.volunteer });
  assert.equal(old.status, 401, 'the password the system administrator knew is void');
  const reset = cli(['user', 'reset-password', '--data', srv.data.dir, '--username', 'volunteer', '--password-stdin'], { input: 'New-Auditor-Passw0rd\n' });
  assert.equal(reset.status, 0, reset.stderr);
  const volunteer = await login(srv, 'volunteer', 'New-Auditor-Passw0rd');
  assert.deepEqual(volunteer.user.roles, ['auditor']);
  assert.deepEqual(problems, []);
  await ctx.close();
});
