// The reviewer's path through the console in a real browser (Debian's chromium driven by
// playwright-core; no browser is downloaded). tests/web/browser_test.cc starts valtuus-web
// against the test PostgreSQL and slapd and runs this with:
//   VALTUUS_WEB_URL      the console's address
//   VALTUUS_WEB_ACCOUNT, VALTUUS_WEB_PASSWORD   a reviewer in the test directory
//   VALTUUS_SCREENSHOTS, CHROMIUM   as helpers.mjs says
// Every page visited is checked for accessibility and identity codes (helpers.mjs). Exits
// non-zero at the first expectation that fails, saying which.
import { expect, follow, launch, visit } from './helpers.mjs';

const base = process.env.VALTUUS_WEB_URL;
const shots = process.env.VALTUUS_SCREENSHOTS;

const browser = await launch();
try {
  const context = await browser.newContext();
  // Styles, scripts and fonts come with the console: nothing is fetched from anywhere else.
  const foreign = [];
  context.on('request', (request) => {
    if (!request.url().startsWith(base + '/')) foreign.push(request.url());
  });
  const page = await context.newPage();

  // A wrong password is refused.
  await page.goto(base + '/login');
  await visit(page, '01-login');
  await page.fill('#account', process.env.VALTUUS_WEB_ACCOUNT);
  await page.fill('#password', 'not the password');
  await follow(page, 'button[type=submit]');
  const refused = await visit(page, '02-login-refused');
  expect(refused.includes('Väärä käyttäjätunnus tai salasana'), 'the wrong password refused');
  expect(!(await context.cookies()).some((c) => c.name === 'valtuus_session'), 'no session');

  // The reviewer logs in and sees the queue.
  await page.fill('#account', process.env.VALTUUS_WEB_ACCOUNT);
  await page.fill('#password', process.env.VALTUUS_WEB_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(base + '/');
  let queue = await visit(page, '03-queue');
  expect(queue.includes('href="/items/1"'), 'item 1 in the queue');
  // The queue's filters read as one form: every label above its own field, and the dropdowns
  // as tall as the text fields beside them.
  const filters = await page.$$eval('.console-filters > div', (fields) => fields.map((f) => {
    const label = f.querySelector('label').getBoundingClientRect();
    const control = f.querySelector('select, input').getBoundingClientRect();
    return { id: f.querySelector('select, input').id, above: label.bottom <= control.top + 1,
             height: Math.round(control.height) };
  }));
  expect(filters.length === 6, `six filters (${filters.length})`);
  for (const f of filters) {
    expect(f.above, `the label of filter ${f.id} is above its field`);
    expect(f.height === filters[0].height,
           `filter ${f.id} is ${f.height} px tall, ${filters[0].id} ${filters[0].height} px`);
  }

  // Approve item 1, then record it done: it leaves the queue.
  await follow(page, 'a[href="/items/1"]');
  await visit(page, '04-item');
  await page.click('#approve');
  await page.waitForSelector('#done');
  await visit(page, '05-item-approved');
  await page.fill('#note', 'granted in Suomi.fi');
  await page.click('#done');
  await page.waitForURL(/\/\?notice=saved$/);
  queue = await visit(page, '06-queue-after-done');
  expect(!queue.includes('href="/items/1"'), 'item 1 gone from the queue');

  // A stale page: item 2 open in two tabs, approved in one; the other's approve is refused.
  const other = await context.newPage();
  await page.goto(base + '/items/2');
  await other.goto(base + '/items/2');
  await page.click('#approve');
  await page.waitForSelector('#done');
  await follow(other, '#approve');
  const stale = await visit(other, '07-stale-approve');
  expect(/changed since you opened the page|muuttunut sen jälkeen|har ändrats sedan/.test(stale),
         'the stale approve refused with a clear message');

  // A POST without the CSRF token is refused, though the session cookie goes along.
  const forged = await page.request.post(base + '/items/2/done', {
    form: { version: '2', note: 'forged' },
    maxRedirects: 0,
  });
  expect(forged.status() === 403, `a POST without the CSRF token refused (got ${forged.status()})`);
  await page.goto(base + '/items/2');
  const item2 = await visit(page, '08-item-after-forgery');
  expect(item2.includes('id="done"'), 'item 2 still waiting to be done');

  // The held runs (none here) and a security page with its CSV download.
  await follow(page, 'a[href="/runs"]');
  await visit(page, '09-runs');
  await follow(page, 'a[href="/security/leavers"]');
  const leavers = await visit(page, '09-leavers');
  expect(leavers.includes('id="csv"'), 'the leavers page offers its CSV');
  const csv = await page.request.get(base + '/security/leavers?format=csv');
  expect((await csv.text()).startsWith('account,name,department,why,left_at,days_open,'),
         'the leavers CSV has the report\'s fields');

  // Bulk approve: items 3 and 4 selected in the queue, one comment, one confirmation.
  await page.goto(base + '/');
  queue = await visit(page, '11-queue-bulk');
  await page.check('#select-3');
  await page.check('#select-4');
  await page.fill('#bulk-comment', 'checked against the HR list');
  await follow(page, '#bulk-approve');
  const confirm = await visit(page, '12-bulk-confirm');
  expect(/these 2 items|nämä 2 muutosta|dessa 2 ändringar/.test(confirm),
         'the confirmation lists the two selected items');
  expect(confirm.includes('href="/items/3"') && confirm.includes('href="/items/4"') &&
         !confirm.includes('href="/items/5"'), 'exactly items 3 and 4 to confirm');
  await follow(page, '#bulk-confirm');
  queue = await visit(page, '13-bulk-approved');
  expect(/Approved: 2 items|Hyväksytty: 2 muutosta|Godkänt: 2 ändringar/.test(queue),
         'the queue says both were approved');
  expect(!queue.includes('id="select-3"') && !queue.includes('id="select-4"'),
         'items 3 and 4 no longer selectable (approved)');

  // Four eyes: item 5 is an order this reviewer made; approving it is refused, alone or in a
  // bulk approve, and it stays proposed.
  await follow(page, 'a[href="/items/5"]');
  await visit(page, '14-own-order');
  await follow(page, '#approve');
  const own = await visit(page, '15-own-order-refused');
  expect(/You may not do this|Sinulla ei ole oikeutta tähän|Du har inte rätt till detta/.test(own),
         'approving one\'s own order refused');
  expect(own.includes('id="approve"'), 'item 5 still waiting for approval');
  await page.goto(base + '/');
  await visit(page, '16-queue-own-order');
  await page.check('#select-5');
  await page.fill('#bulk-comment', 'mine too');
  await follow(page, '#bulk-approve');
  await visit(page, '17-bulk-confirm-own-order');
  await follow(page, '#bulk-confirm');
  const bulkOwn = await visit(page, '18-bulk-own-order-refused');
  expect(/Nothing was approved|Mitään ei hyväksytty|Inget godkändes/.test(bulkOwn),
         'a bulk approve with one\'s own order refused as a whole');
  await page.goto(base + '/items/5');
  expect((await visit(page, '19-own-order-still-proposed')).includes('id="approve"'),
         'item 5 still proposed');

  await page.goto(base + '/me');
  await visit(page, '09-me');
  await follow(page, 'a[lang=sv]');
  await visit(page, '10-queue-sv');
  expect(foreign.length === 0, 'no request outside the console: ' + foreign.join(', '));
  // At phone width (390 CSS pixels, as a common phone) every page fits: nothing wider than
  // the screen, so nobody scrolls sideways to reach a button.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, name] of [['/', '11-phone-queue'], ['/items/2', '12-phone-item'],
                              ['/security/leavers', '13-phone-leavers'], ['/me', '14-phone-me']]) {
    await page.goto(base + path);
    await visit(page, name);
    const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow <= 1, `${path} fits a phone's width (${overflow} px too wide)`);
  }
  console.log('browser: all checks passed; screenshots in ' + shots);
} finally {
  await browser.close();
}
