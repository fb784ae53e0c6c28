// The staff's own pages in a real browser: an employee, their manager and a reviewer, each in
// a browser context of their own, and the maps published for the intranet read from files.
// tests/web/browser_staff_test.cc starts valtuus-web on the end-to-end municipality with the
// demo's maps and runs this with:
//   VALTUUS_WEB_URL      the console's address
//   VALTUUSD, VALTUUSD_CONFIG   the daemon and its configuration: the orders become items at
//                        a sync, which this runs once between the orders and the reviewer
//   VALTUUS_OTHER_REF    the address reference of another employee (Jörgen Öhman)
//   VALTUUS_PUBLISHED    the folder `valtuusctl policy publish` wrote
//   VALTUUS_SCREENSHOTS, CHROMIUM   as helpers.mjs says
// Exits non-zero at the first expectation that fails, saying which.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, follow, launch, visit } from './helpers.mjs';

const base = process.env.VALTUUS_WEB_URL;
const published = process.env.VALTUUS_PUBLISHED;

// The test configuration's handling times (sla.path1_days, sla.path2_days).
const path1 = /Path 1: the organisation can grant this itself\. Handling takes about 4 days\./;
const path2 = /Path 2: the organisation must first apply to DVV for the right to grant this\. Handling takes about 57 days\./;
// Mäkinen's maps (policies/examples/maps/elinkeinoasiat.yaml): each theme with its why.
const whys = [
  ['elinkeinoasiat', 'kela-etuustiedot', 'Checks the Kela benefits of clients in the town\'s employment and business services and registers the town\'s payment claims to Kela.'],
  ['elinkeinoasiat', 'te-palkkatuki', 'Applies for pay subsidy when the town or its employment services hire an unemployed person.'],
  ['omavalmentaja', 'kela-etuustiedot', 'Views a job seeker\'s Kela benefit decisions when planning the path to work or training with them.'],
  ['omavalmentaja', 'te-tyonhakija', 'Advises and supports job seekers: records their job-search plans, applications and service needs in the TE services.'],
];

// A login form in its own context; the person's pages in English from then on.
async function logIn(browser, account, password, prefix) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + '/login');
  await visit(page, `${prefix}-01-login`);
  await page.fill('#account', account);
  await page.fill('#password', password);
  await follow(page, 'button[type=submit]');
  await visit(page, `${prefix}-02-logged-in`);
  await follow(page, 'a[lang=en]');
  await visit(page, `${prefix}-03-in-english`);
  expect((await page.getAttribute('html', 'lang')) === 'en', `${account}'s pages in English`);
  return page;
}

// Searches the order form's catalog, chooses the theme, says why and sends; the page after.
async function order(page, prefix, search, theme, why, identityCode) {
  await page.fill('#q', search);
  await follow(page, '#search');
  await visit(page, `${prefix}-search`);
  await page.check(`input[name=mandate][value="${theme}"]`);
  await page.fill('#why', why);
  if (identityCode) await page.fill('#identity_code', identityCode);
  await follow(page, '#send-order');
  return visit(page, `${prefix}-sent`);
}

async function text(page, selector) {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ');
}

const browser = await launch();
try {
  // The employee logs in and reads why the job needs each theme.
  const employee = await logIn(browser, 'mmakinen', 'employee horse', 'staff-01');
  await follow(employee, 'nav a[href="/me/map"]');
  await visit(employee, 'staff-02-my-map');
  for (const [map, theme, why] of whys) {
    const row = `#map-${map} tr[data-theme="${theme}"]`;
    expect((await employee.locator(row).count()) === 1, `map ${map} lists ${theme}`);
    expect((await text(employee, row)).includes(why), `the why of ${theme} in ${map}: ${why}`);
  }
  expect((await employee.locator('.console-map tr[data-theme]').count()) === whys.length,
         'exactly the four themes of the two matching maps');

  // A path-1 theme with the identity code the directory does not hold, then a path-2 theme.
  await follow(employee, 'nav a[href="/order"]');
  let form = await visit(employee, 'staff-03-order-form');
  expect(form.includes('id="identity_code"'), 'the form asks for the identity code');
  await order(employee, 'staff-04-order-path1', 'tax', 'vero-veroasiat',
              'Files the unit\'s tax returns', '131052-308T');
  let notice = await text(employee, '.hds-notification');
  expect(/Order \d+ was received\./.test(notice) && path1.test(notice),
         `the path-1 order received with its handling time: ${notice}`);
  form = await employee.content();
  expect(!form.includes('id="identity_code"') && form.includes('131052-****'),
         'the identity code stored, shown masked only and not asked again');
  await order(employee, 'staff-05-order-path2', 'Ministry', 'okm-avustukset',
              'Applies for the youth workshop\'s grants');
  notice = await text(employee, '.hds-notification');
  expect(/Order \d+ was received\./.test(notice) && path2.test(notice),
         `the path-2 order received with its handling time: ${notice}`);

  // The same theme again: refused on the form, naming the field.
  await employee.fill('#q', 'tax');
  await follow(employee, '#search');
  await visit(employee, 'staff-06-order-again');
  await employee.check('input[name=mandate][value="vero-veroasiat"]');
  await employee.fill('#why', 'again');
  await follow(employee, '#send-order');
  await visit(employee, 'staff-07-duplicate-refused');
  const summary = await text(employee, '#error-summary');
  expect(summary.includes('An order for this mandate is already open.'),
         `the duplicate order refused: ${summary}`);
  expect((await employee.title()).startsWith('Error:'), 'the title says the form has an error');

  // The manager orders for the direct report.
  const manager = await logIn(browser, 'aastrom', 'manager horse', 'staff-08-manager');
  await follow(manager, 'nav a[href="/reports"]');
  const reports = await visit(manager, 'staff-09-reports');
  expect(reports.includes('(mmakinen)'), 'the manager sees the direct report');
  await follow(manager, 'a[href="/order?for=mmakinen"]');
  await visit(manager, 'staff-10-order-for-report');
  expect((await text(manager, 'h1')).includes('Mäkinen'), 'the form orders for Mäkinen');
  await order(manager, 'staff-11-manager-order', 'grant application', 'avustushakemus',
              'Makes the unit\'s grant applications while a colleague is away');
  notice = await text(manager, '.hds-notification');
  expect(/Order \d+ was received\./.test(notice) && path1.test(notice),
         `the manager's order received: ${notice}`);
  expect(manager.url().includes('for=mmakinen'), 'the page stays on the report\'s orders');

  // The employee changes the person in the address: refused, and nothing of theirs shown.
  await follow(employee, 'nav a[href="/me/mandates"]');
  await visit(employee, 'staff-12-my-mandates');
  const own = await employee.getAttribute('a[href^="/people/"]', 'href');
  expect(/^\/people\/[^/]+\/map$/.test(own), `a link to the own map by reference: ${own}`);
  for (const [ref, name] of [[process.env.VALTUUS_OTHER_REF, 'other'],
                             ['ffffffff-ffff-4fff-bfff-ffffffffffff', 'unknown']]) {
    for (const what of ['map', 'mandates']) {
      const response = await employee.goto(`${base}/people/${ref}/${what}`);
      const page = await visit(employee, `staff-13-${name}-${what}-refused`);
      expect(response.status() === 403, `another's ${what} page refused (${response.status()})`);
      expect(page.includes('No such person, or you may not see their pages.'),
             `the refusal says so on the ${what} page`);
      expect(!/Öhman|johman|Talouspalvelut|Controller/.test(page),
             `nothing of the other person on the refused ${what} page`);
    }
  }

  // The orders become items at the next sync.
  execFileSync(process.env.VALTUUSD, ['--config', process.env.VALTUUSD_CONFIG, '--once'],
               { stdio: ['ignore', 'ignore', 'pipe'] });
  await employee.goto(base + '/me/mandates');
  await visit(employee, 'staff-14-my-mandates-after-sync');
  const itemRow = employee.locator('#open tr[data-item]', { hasText: 'Handling tax matters' });
  expect((await itemRow.count()) === 1, 'the tax order is an open item');
  const item = await itemRow.getAttribute('data-item');

  // A reviewer, in a context of their own, approves the item and records it done.
  const reviewer = await logIn(browser, 'johman', 'reviewer horse', 'staff-15-reviewer');
  await reviewer.goto(base + '/');
  await visit(reviewer, 'staff-16-queue');
  await follow(reviewer, `a[href="/items/${item}"]`);
  await visit(reviewer, 'staff-17-item');
  await reviewer.click('#approve');
  await reviewer.waitForSelector('#done');
  await visit(reviewer, 'staff-18-item-approved');
  await reviewer.fill('#note', 'granted in Suomi.fi');
  await reviewer.click('#done');
  await reviewer.waitForURL(/\/\?notice=saved$/);
  await visit(reviewer, 'staff-19-queue-after-done');

  // The employee sees the order done.
  await employee.goto(base + '/me/mandates');
  await visit(employee, 'staff-20-my-mandates-done');
  const orderRow = employee.locator('#orders tr[data-order]', { hasText: 'Handling tax matters' });
  const outcome = await orderRow.innerText();
  expect(/Approved · Done\b/.test(outcome), `the order done: ${outcome}`);
  expect((await employee.locator('#held tr[data-theme="vero-veroasiat"]').count()) === 1,
         'the tax mandate held');
  const okm = await employee.locator('#orders tr[data-order]', { hasText: 'Ministry' }).innerText();
  expect(okm.includes('Waiting'), `the path-2 order still waiting: ${okm}`);

  // The published maps, read from files: every link resolves to a file of the folder, the
  // language links lead to the same page in each language, and each page is in its language.
  const reader = await (await browser.newContext()).newPage();
  const root = pathToFileURL(join(published, 'index.html')).href;
  const folder = pathToFileURL(published).href + '/';
  // The folder's own index.html sends a reader on to the Finnish pages (a meta refresh) and
  // links to the three languages.
  const rootLinks = [...readFileSync(fileURLToPath(root), 'utf8').matchAll(/href="([^"]+)"/g)]
    .map((m) => m[1]);
  expect(['fi', 'sv', 'en'].every((l) => rootLinks.includes(`${l}/index.html`)),
         `the folder's index links to each language: ${rootLinks}`);
  for (const [language, label] of [['fi', 'Suomi'], ['sv', 'Svenska'], ['en', 'English']]) {
    await reader.goto(root);
    await reader.waitForURL(folder + 'fi/index.html');
    await visit(reader, `staff-21-published-root-${language}`);
    await follow(reader, `nav a[lang=${language}]`);
    expect(reader.url() === folder + language + '/index.html',
           `the ${label} link leads to ${language}/index.html (${reader.url()})`);
    await visit(reader, `staff-22-published-${language}-index`);
    // A department's page, by the first link in the page's content.
    await follow(reader, 'main a[href$=".html"]');
    await visit(reader, `staff-23-published-${language}-first-link`);
    expect((await reader.getAttribute('html', 'lang')) === language,
           `the page after the first link still in ${language}`);
  }
  const started = Date.now();
  const seen = new Set();
  const queue = rootLinks.map((link) => new URL(link, root).href);
  let pages = 0;
  while (queue.length > 0) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    await reader.goto(url);
    await reader.waitForLoadState('load');
    pages += 1;
    const relative = url.slice(folder.length);
    const language = relative.split('/')[0];
    if (['fi', 'sv', 'en'].includes(language)) {
      expect((await reader.getAttribute('html', 'lang')) === language,
             `${relative} is in ${language}`);
      for (const other of ['fi', 'sv', 'en']) {
        const href = await reader.getAttribute(`a[hreflang=${other}]`, 'href');
        expect(href === `../${other}/${relative.slice(3)}`,
               `${relative} links to itself in ${other} (${href})`);
      }
    }
    await reader.screenshot({ path: `${process.env.VALTUUS_SCREENSHOTS}/staff-24-published-` +
                                    `${relative.replaceAll('/', '-')}.png`, fullPage: true });
    const links = await reader.$$eval('a[href]', (as) => as.map((a) => a.href));
    for (const link of links) {
      const target = link.split('#')[0];
      expect(target.startsWith(folder), `${relative} links only within the folder: ${link}`);
      const file = fileURLToPath(target);
      expect(existsSync(file) && statSync(file).isFile(), `${relative} → ${link} is a file`);
      if (target.endsWith('.html')) queue.push(target);
    }
  }
  expect(pages >= 10, `the published folder has its pages (${pages} read)`);
  console.log(`browser: all staff checks passed (${pages} published pages read in ` +
              `${(Date.now() - started) / 1000} s); screenshots in ${process.env.VALTUUS_SCREENSHOTS}`);
} finally {
  await browser.close();
}
