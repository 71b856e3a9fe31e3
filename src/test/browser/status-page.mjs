// Opens the forwarder's status page in headless Chromium, waits until it shows non-zero counters, saves a screenshot.
// Usage: node status-page.mjs <status page URL> <screenshot path>
// Prints one JSON line with what the page showed; exits 1 when the page does not show live counters within 20 s.
import { chromium } from "playwright-core";

const [url, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  const errors = [];
  page.on("pageerror", e => errors.push(String(e)));
  await page.goto(url);
  // the page fills itself from admin/status (and refreshes every 2 s without reloading)
  await page.waitForFunction(() => {
    const c = document.querySelector("#inbound tbody td");
    return c && Number(c.textContent) > 0 && document.querySelectorAll("#mq tbody tr td").length > 1;
  }, null, { timeout: 20000 });
  const firstUpdate = await page.textContent("#updated");
  await page.waitForFunction(prev => document.querySelector("#updated").textContent !== prev, firstUpdate, { timeout: 10000 });
  const text = sel => page.$$eval(sel, els => els.map(e => e.textContent.trim()));
  const result = {
    inbound: await text("#inbound tbody td"),
    pixels: await page.$$eval("#pixels tbody tr", rows => rows.map(r => [...r.children].map(td => td.textContent.trim()))),
    matchQualityTop: (await page.textContent("#mq-top")).trim(),
    matchQualityRows: (await page.$$("#mq tbody tr")).length,
    failures: await page.$$eval("#failures tbody tr", rows => rows.map(r => [...r.children].map(td => td.textContent.trim()))),
    deadLetterLinks: await page.$$eval("#deadletters a", as => as.map(a => a.getAttribute("href"))),
    rules: (await page.$$("#rules tbody tr")).length,
    refreshedWithoutReload: true,
    errors,
  };
  await page.screenshot({ path: shot, fullPage: true });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
