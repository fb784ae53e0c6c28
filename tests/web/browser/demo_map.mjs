// The README's picture of an employee's map page, from the demo (tests/web/demo_console_test.sh
// runs this against scripts/demo/start-console's console): the demo employee logs in, reads
// the page in English, and the page is checked and kept as VALTUUS_SCREENSHOTS/employee-map.png.
//   VALTUUS_WEB_URL, VALTUUS_WEB_ACCOUNT, VALTUUS_WEB_PASSWORD   the console and the employee
//   VALTUUS_SCREENSHOTS, CHROMIUM   as helpers.mjs says
import { expect, follow, launch, visit } from './helpers.mjs';

const base = process.env.VALTUUS_WEB_URL.replace(/\/$/, '');
const browser = await launch();
try {
  // The width of a laptop's browser window: the README's picture stays small and legible.
  const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
  await page.goto(base + '/login');
  await page.fill('#account', process.env.VALTUUS_WEB_ACCOUNT);
  await page.fill('#password', process.env.VALTUUS_WEB_PASSWORD);
  await follow(page, 'button[type=submit]');
  await follow(page, 'a[lang=en]');
  await follow(page, 'nav a[href="/me/map"]');
  const html = await visit(page, 'employee-map');
  expect(html.includes('class="console-map"'), 'the demo employee has maps');
  expect(html.includes('data-theme="kela-etuustiedot"'), 'the map lists the Kela theme');
  console.log('demo_map: the employee\'s map page in ' + process.env.VALTUUS_SCREENSHOTS);
} finally {
  await browser.close();
}
