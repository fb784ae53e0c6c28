// What the browser specs share (console.spec.mjs, staff.spec.mjs, demo_map.mjs): the browser,
// expectations, a click that loads a page, and the checks and screenshot of every page seen.
//   VALTUUS_SCREENSHOTS  where to keep a screenshot of every page
//   CHROMIUM             the browser (default /usr/bin/chromium)
// Every page visited is checked with axe-core (pinned in package.json, run inside the page; no
// request leaves the page's address).
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
                               'utf8');

const shots = process.env.VALTUUS_SCREENSHOTS;
mkdirSync(shots, { recursive: true });
// Standing alone: a person reference is a random UUID, and about one in a hundred holds six
// digits, a hyphen and four more ("…123456-7890-…"), which is no identity code.
export const identityCode = /(?<![0-9A-Za-z])\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?![0-9A-Za-z])/;

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],  // CI runs as root
  });
}

export function expect(condition, what) {
  if (!condition) throw new Error('expected: ' + what);
}

// A click that loads another page returns once that page has loaded.
export async function follow(page, selector) {
  await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}

// WCAG 2.1 A and AA rules (and axe's best practices): a serious or critical violation fails
// the page, naming the rule and the elements.
export async function checkAccessibility(page, name) {
  // evaluate, not a <script> tag: the console's Content-Security-Policy allows no inline script.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations.filter((v) => !blocking.includes(v))) {
    console.log(`axe (${v.impact}) on ${name}: ${v.id}: ${v.help} [${v.nodes.join(', ')}]`);
  }
  expect(blocking.length === 0, `no serious accessibility violation on ${name}: ` +
         blocking.map((v) => `${v.id} (${v.impact}): ${v.help} [${v.nodes.join(', ')}]`)
           .join('; '));
}

// Every page and address seen is checked for an identity code, and for accessibility. The
// page is read only once it has loaded: a screenshot taken while a navigation is still under
// way can wait forever.
export async function visit(page, name) {
  await page.waitForLoadState('load');
  const html = await page.content();
  expect(!identityCode.test(html), `no identity code on ${name}`);
  expect(!identityCode.test(page.url()), `no identity code in the address of ${name}`);
  await checkAccessibility(page, name);
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true, animations: 'disabled' });
  return html;
}
