// A headless Chromium (Debian's, through playwright-core; no browser download) that loads the
// upload page from an origin and reports what the browser let it do.
//
//   node tests/js/browser_judge.js CHROMIUM HOST_RESOLVER_RULES   (NODE_PATH=<node_packages dir>/node_modules)
//
// Prints {"ready": VERSION}, then reads one JSON request per stdin line,
// {"page": URL, "put": URL, "get": URL, "contentType": TYPE, "body": BASE64}, and answers each
// with one line: the page's roundTrip() result (tests/js/upload_page.html) and the console
// messages the page produced (Chromium names CORS refusals there). One browser serves every
// request; each request gets a fresh context (no preflight cache, cookies or HSTS carried
// over). Closes the browser and exits on end of input or {"quit": true}.
"use strict";

const readline = require("readline");
const { chromium } = require("playwright-core");

const STEP_TIMEOUT_MS = 20000;

async function judge(browser, request) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const consoleMessages = [];
    page.on("console", (message) => consoleMessages.push(message.text()));
    const response = await page.goto(request.page, { timeout: STEP_TIMEOUT_MS });
    const result = await page.evaluate((args) => roundTrip(args), request);
    return { ...result, pageUrl: page.url(), pageStatus: response.status(), console: consoleMessages };
  } finally {
    await context.close();
  }
}

async function main([executablePath, hostResolverRules]) {
  const browser = await chromium.launch({
    executablePath,
    args: [`--host-resolver-rules=${hostResolverRules}`],
    timeout: STEP_TIMEOUT_MS,
  });
  const say = (value) => process.stdout.write(JSON.stringify(value) + "\n");
  say({ ready: browser.version() });
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line);
    if (request.quit) break;
    try {
      say(await judge(browser, request));
    } catch (error) {
      say({ error: `${error.name}: ${error.message}` });
    }
  }
  await browser.close();
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`browser_judge.js: ${error.name}: ${error.message}\n`);
  process.exit(1);
});
