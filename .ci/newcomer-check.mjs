// What a newcomer meets in the first minutes after `./run.sh`, checked against the API it started:
//   node .ci/newcomer-check.mjs BASE_URL ADMIN_KEY REPO_DIR
// 1. Swagger UI's document (/swagger/v1/swagger.json) answers 200 and equals docs/openapi.json, the servers entry aside;
// 2. Swagger UI itself (/swagger/index.html) answers 200 with a page;
// 3. the Admin key run.sh printed is accepted (GET /api/v1/api-keys: 200 with it, 401 without);
// 4. every call of the README's "What a journalist reads" answers what the README shows after it. The README's JSON is
//    the expectation, read from the README itself: a string with "…" stands for any value (an array of one such string
//    for any array), and a key "…" in an object for the keys the README leaves out; every other value, and every key,
//    must be as written.
// Node 20, no packages. Exits 1 after reporting every failed check.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [baseUrl, adminKey, repo] = process.argv.slice(2);
if (!baseUrl || !adminKey || !repo) {
  console.error("usage: node .ci/newcomer-check.mjs BASE_URL ADMIN_KEY REPO_DIR");
  process.exit(2);
}

let failed = 0;
async function check(name, body) {
  const started = performance.now();
  try {
    await body();
    console.log(`  ok   ${name} (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    failed++;
    console.error(`  FAIL ${name}: ${error.message}`);
  }
}

async function get(path, headers = {}) {
  const response = await fetch(new URL(path, baseUrl), { headers, redirect: "manual" });
  return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
}

function expectStatus(answer, status, what) {
  if (answer.status !== status) throw new Error(`${what} answered ${answer.status}, expected ${status}: ${answer.text.slice(0, 300)}`);
}

/** The first place where `actual` differs from `expected` (a JSON path and both values), or null. */
function difference(expected, actual, path = "$", { wildcards = false } = {}) {
  if (wildcards && typeof expected === "string" && expected.includes("…")) return null;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${JSON.stringify(actual)}`;
    if (wildcards && expected.length === 1 && typeof expected[0] === "string" && expected[0].includes("…")) return null;
    if (expected.length !== actual.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const found = difference(expected[i], actual[i], `${path}[${i}]`, { wildcards });
      if (found) return found;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return `${path}: expected an object, got ${JSON.stringify(actual)}`;
    const elided = wildcards && "…" in expected;
    if (!elided) for (const key of Object.keys(actual)) if (!(key in expected)) return `${path}.${key}: present (${JSON.stringify(actual[key]).slice(0, 80)}) but not expected`;
    for (const key of Object.keys(expected)) {
      if (elided && key === "…") continue;
      if (!(key in actual)) return `${path}.${key}: missing (expected ${JSON.stringify(expected[key]).slice(0, 80)})`;
      const found = difference(expected[key], actual[key], `${path}.${key}`, { wildcards });
      if (found) return found;
    }
    return null;
  }
  return Object.is(expected, actual) ? null : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

/** The README's journalist calls: each ```bash block holding one curl of the API, with the ```json block after it. */
function journalistCalls(readme) {
  const start = readme.indexOf("## What a journalist reads");
  if (start < 0) throw new Error('README.md has no "## What a journalist reads" section');
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2] }));
  const calls = [];
  for (let i = 0; i + 1 < blocks.length; i++) {
    const url = blocks[i].lang === "bash" && blocks[i].body.match(/curl\s+"(http:\/\/localhost:\d+)(\/api\/[^"]+)"/);
    if (url && blocks[i + 1].lang === "json") calls.push({ path: url[2], expected: JSON.parse(blocks[i + 1].body) });
  }
  if (calls.length === 0) throw new Error("no curl call followed by its JSON answer in the journalist section");
  return calls;
}

console.log(`Newcomer check against ${baseUrl}`);

await check("Swagger UI's document answers 200 and equals docs/openapi.json (servers aside)", async () => {
  const answer = await get("/swagger/v1/swagger.json");
  expectStatus(answer, 200, "/swagger/v1/swagger.json");
  const live = JSON.parse(answer.text);
  const committed = JSON.parse(readFileSync(join(repo, "docs/openapi.json"), "utf8"));
  delete live.servers;
  delete committed.servers;
  const found = difference(committed, live);
  if (found) throw new Error(`the live document differs from docs/openapi.json at ${found}`);
});

await check("Swagger UI answers 200 with its page", async () => {
  const answer = await get("/swagger/index.html", { Accept: "text/html" });
  expectStatus(answer, 200, "/swagger/index.html");
  if (!answer.type.startsWith("text/html") || !answer.text.includes("swagger-ui")) throw new Error(`not the Swagger UI page (${answer.type})`);
});

await check("the Admin key run.sh printed is accepted (GET /api/v1/api-keys: 200 with it, 401 without)", async () => {
  expectStatus(await get("/api/v1/api-keys", { "X-Api-Key": adminKey }), 200, "GET /api/v1/api-keys with the Admin key");
  expectStatus(await get("/api/v1/api-keys"), 401, "GET /api/v1/api-keys without a key");
});

const readme = readFileSync(join(repo, "README.md"), "utf8");
let calls = [];
await check("README.md shows the journalist's calls with their answers", async () => {
  calls = journalistCalls(readme);
});
for (const [index, call] of calls.entries()) {
  await check(`README journalist call ${index + 1} answers what the README shows: ${call.path}`, async () => {
    const answer = await get(call.path);
    expectStatus(answer, 200, call.path);
    const found = difference(call.expected, JSON.parse(answer.text), "$", { wildcards: true });
    if (found) throw new Error(`the README and the API disagree at ${found}`);
  });
}

console.log(failed === 0 ? "Newcomer check passed" : `Newcomer check FAILED (${failed} failed)`);
process.exit(failed === 0 ? 0 : 1);
