// Real-browser test of the forwarder as the Adobe Web SDK's first-party edge (driven by WebSdkBrowserTest.java).
//
// Headless Debian Chromium (playwright-core, executablePath /usr/bin/chromium) loads pages of a made-up shop served
// by this script over HTTPS on 127.0.0.1:PAGE_PORT (HTML + the real @adobe/alloy dist/alloy.js) whose Web SDK is
// configured with edgeDomain "localhost" — the forwarder on HTTPS 127.0.0.1:443.
//
// Input (environment): CONFIG_ID, RELAY_CONFIG_ID, ORG_ID, RUN (unique id of this run), FAULT_URL (POST arms
// one 503 on the next /v1/interact answer), PAGE_PORT, TLS_CERT / TLS_KEY (PEM files for the page server),
// EDGE_DOMAIN (default localhost).
// Output: one line "RESULT <json>" with what the pages saw; exit code 0 when the script ran to the end
// (the assertions are made by the JUnit test), 1 on an unexpected error.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createServer } from "node:https";

// the standalone build of the npm package (not in its "exports": read by path)
const ALLOY = readFileSync(new URL("./node_modules/@adobe/alloy/dist/alloy.js", import.meta.url));
const env = (k, d) => process.env[k] ?? d;
const CONFIG_ID = env("CONFIG_ID");
const RELAY_CONFIG_ID = env("RELAY_CONFIG_ID");
const ORG_ID = env("ORG_ID");
const RUN = env("RUN", String(Date.now()));
const FAULT_URL = env("FAULT_URL");
const EDGE_DOMAIN = env("EDGE_DOMAIN", "localhost");
const PAGE_PORT = Number(env("PAGE_PORT", "8443"));
const SITE = `https://localhost:${PAGE_PORT}`;
const STEP_TIMEOUT = 30000;

const BASE_CODE = `!function(n,o){o.forEach(function(o){n[o]||((n.__alloyNS=n.__alloyNS||[]).push(o),n[o]=function(){var u=arguments;return new Promise(function(i,l){n[o].q.push([i,l,u])})},n[o].q=[])})}(window,["alloy"]);`;
const html = (title) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<script>${BASE_CODE}</script><script src="/alloy.js" async></script></head><body><h1>${title}</h1></body></html>`;

// the shop: every path is a page with the SDK's base code; /alloy.js is the SDK
const server = createServer({ cert: readFileSync(env("TLS_CERT")), key: readFileSync(env("TLS_KEY")) }, (req, res) => {
  const path = new URL(req.url, SITE).pathname;
  if (path === "/alloy.js") {
    res.writeHead(200, { "Content-Type": "application/javascript" }).end(ALLOY);
  } else {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html(path));
  }
});
await new Promise((resolve, reject) => server.once("error", reject).listen(PAGE_PORT, "127.0.0.1", resolve));

const browser = await chromium.launch({
  executablePath: env("CHROMIUM", "/usr/bin/chromium"),
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--ignore-certificate-errors"],
});

const result = { run: RUN, main: {}, relay: {}, errors: [] };

/** A visitor: one browser context (its own cookies), the site routed here, every /ee request recorded. */
async function visitor(label) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const requests = [];
  // Nothing may leave the machine: requests to any other host are recorded and aborted.
  await context.route((url) => url.hostname !== "localhost" && url.hostname !== "127.0.0.1" && url.hostname !== EDGE_DOMAIN,
    (route) => { requests.push({ blocked: route.request().url() }); return route.abort(); });
  context.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/ee/")) {
      requests.push({ path: url.pathname, requestId: url.searchParams.get("requestId"), configId: url.searchParams.get("configId") });
    }
  });
  context.on("response", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/ee/")) {
      requests.push({ response: r.status(), path: url.pathname, requestId: url.searchParams.get("requestId") });
    }
  });
  return { context, requests };
}

/** Opens a page of the site and configures the SDK on it. */
async function open(context, path, configId) {
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") result.errors.push(`console ${path}: ${m.text()}`); });
  await page.goto(SITE + path);
  await page.evaluate(async ([configId, orgId, edgeDomain]) => {
    await window.alloy("configure", {
      datastreamId: configId, orgId, edgeDomain, thirdPartyCookiesEnabled: false,
      clickCollectionEnabled: false, defaultConsent: "in", debugEnabled: false,
    });
  }, [configId, ORG_ID, EDGE_DOMAIN]);
  return page;
}

/** Runs an SDK command on a page; records whether its promise resolved, and what it resolved to. */
async function run(page, label, command, options) {
  try {
    const value = await page.evaluate(
      ([command, options, timeout]) => Promise.race([
        window.alloy(command, options).then((v) => ({ resolved: true, value: v ?? null })),
        new Promise((r) => setTimeout(() => r({ resolved: false, value: "timed out" }), timeout)),
      ]).catch((e) => ({ resolved: false, value: String(e && e.message || e) })),
      [command, options, STEP_TIMEOUT]);
    return { label, ...value };
  } catch (e) {
    return { label, resolved: false, value: String(e) };
  }
}

const ecid = (r) => r && r.value && r.value.identity ? r.value.identity.ECID : null;

try {
  // ---------------------------------------------------------------- the main visitor (forwarder answers)
  {
    const { context, requests } = await visitor("main");
    const steps = [];
    const ecids = [];
    let page = await open(context, `/shop/${RUN}/landing?ttclid=E.C.P.browser-${RUN}`, CONFIG_ID);
    steps.push(await run(page, "pageview", "sendEvent", {
      renderDecisions: false,
      xdm: { eventType: "web.webpagedetails.pageViews", web: { webPageDetails: { name: "landing" } } },
      data: { tiktok: { eventId: `br-pv-${RUN}` } },
    }));
    ecids.push(ecid(await run(page, "identity-1", "getIdentity", { namespaces: ["ECID"] })));
    await page.close();

    page = await open(context, `/shop/${RUN}/product`, CONFIG_ID);
    steps.push(await run(page, "addtocart", "sendEvent", {
      xdm: {
        eventType: "commerce.productListAdds", commerce: { productListAdds: { value: 1 } },
        productListItems: [{ SKU: "SKU-BR-1", name: "Browser Shirt", quantity: 2, priceTotal: 39.98, currencyCode: "EUR" }],
      },
      data: { tiktok: { eventId: `br-atc-${RUN}` } },
    }));
    ecids.push(ecid(await run(page, "identity-2", "getIdentity", { namespaces: ["ECID"] })));
    await page.close();

    // the next interact answer is turned into a 503 after the forwarder processed it: the SDK must retry
    if (FAULT_URL) {
      const armed = await fetch(FAULT_URL, { method: "POST" });
      result.main.faultArmed = armed.status;
    }
    page = await open(context, `/shop/${RUN}/checkout`, CONFIG_ID);
    // no event id anywhere (no data.tiktok.eventId, no _id, no order id): only the requestId tells the retry
    steps.push(await run(page, "purchase", "sendEvent", {
      xdm: {
        eventType: "commerce.purchases", commerce: { purchases: { value: 1 }, order: { priceTotal: 39.98, currencyCode: "EUR" } },
        productListItems: [{ SKU: "SKU-BR-1", name: "Browser Shirt", quantity: 2, priceTotal: 39.98 }],
      },
    }));
    ecids.push(ecid(await run(page, "identity-3", "getIdentity", { namespaces: ["ECID"] })));

    steps.push(await run(page, "consent-out", "setConsent", {
      consent: [{ standard: "Adobe", version: "1.0", value: { general: "out" } }],
    }));
    steps.push(await run(page, "after-out", "sendEvent", {
      xdm: { eventType: "web.webpagedetails.pageViews" }, data: { tiktok: { eventId: `br-after-out-${RUN}` } },
    }));
    await page.close();
    page = await open(context, `/shop/${RUN}/after-out`, CONFIG_ID);
    steps.push(await run(page, "after-out-reload", "sendEvent", {
      xdm: { eventType: "web.webpagedetails.pageViews" }, data: { tiktok: { eventId: `br-after-out2-${RUN}` } },
    }));
    await page.close();

    const cookies = await context.cookies(SITE);
    result.main = { ...result.main, steps, ecids, requests, cookies: Object.fromEntries(cookies.map((c) => [c.name, c.value])) };
    await context.close();
  }

  // ---------------------------------------------------------------- a visitor of the relayed datastream
  if (RELAY_CONFIG_ID) {
    const { context, requests } = await visitor("relay");
    const steps = [];
    let page = await open(context, `/relay/${RUN}/landing`, RELAY_CONFIG_ID);
    steps.push(await run(page, "relay-pageview", "sendEvent", {
      renderDecisions: false,
      xdm: { eventType: "web.webpagedetails.pageViews" }, data: { tiktok: { eventId: `br-relay-pv-${RUN}` } },
    }));
    const identity = await run(page, "relay-identity", "getIdentity", { namespaces: ["ECID"] });
    await page.close();
    page = await open(context, `/relay/${RUN}/product`, RELAY_CONFIG_ID);
    steps.push(await run(page, "relay-addtocart", "sendEvent", {
      xdm: {
        eventType: "commerce.productListAdds",
        productListItems: [{ SKU: "SKU-BR-2", name: "Relay Shirt", quantity: 1, priceTotal: 10, currencyCode: "EUR" }],
      },
      data: { tiktok: { eventId: `br-relay-atc-${RUN}` } },
    }));
    await page.close();
    const cookies = await context.cookies(SITE);
    result.relay = {
      steps, ecid: ecid(identity), requests,
      propositions: (steps[0].value && steps[0].value.propositions || []).map((p) => p.id),
      cookies: Object.fromEntries(cookies.map((c) => [c.name, c.value])),
    };
    await context.close();
  }
} catch (e) {
  result.errors.push(String(e && e.stack || e));
} finally {
  await browser.close();
  server.close();
}
console.log("RESULT " + JSON.stringify(result));
process.exit(result.errors.some((e) => !e.startsWith("console")) ? 1 : 0);
