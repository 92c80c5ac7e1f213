// What a newcomer meets in the first minutes after `./run.sh`, checked against the API it started:
//   node .ci/newcomer-check.mjs BASE_URL ADMIN_KEY REPO_DIR
// 1. Swagger UI's document (/swagger/v1/swagger.json) answers 200 and equals docs/openapi.json, the servers entry aside;
// 2. Swagger UI itself (/swagger/index.html) answers 200 with a page;
// 3. the operator key run.sh printed (ADMIN_KEY, role Admin) is accepted (GET /api/v1/api-keys: 200 with it, 401
//    without) and may not write (POST /api/v1/sources: 403);
// 4. the demo organization's OrganizationAdmin key run.sh keeps in REPO_DIR/.data/org-admin-key lists its own
//    organization's keys only, identifies the demo's protected persons that the operator sees as pseudonyms, and may
//    write: the README's import example (its CSV, with dryRun=true, as the README's call sends it) answers 200, and 403
//    with the operator key;
// 5. every call of the README's "What a journalist reads" answers what the README shows after it. The README's JSON is
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

await check("the operator key run.sh printed is accepted (GET /api/v1/api-keys: 200 with it, 401 without)", async () => {
  expectStatus(await get("/api/v1/api-keys", { "X-Api-Key": adminKey }), 200, "GET /api/v1/api-keys with the operator key");
  expectStatus(await get("/api/v1/api-keys"), 401, "GET /api/v1/api-keys without a key");
});

await check("the operator key may not write (POST /api/v1/sources: 403)", async () => {
  const response = await fetch(new URL("/api/v1/sources", baseUrl), {
    method: "POST",
    headers: { "X-Api-Key": adminKey, "Content-Type": "application/json" },
    body: JSON.stringify({ url: "https://example.org/newcomer-check", kind: "Other" }),
  });
  expectStatus({ status: response.status, text: await response.text() }, 403, "POST /api/v1/sources with the operator key");
});

const readme = readFileSync(join(repo, "README.md"), "utf8");
const demoOrganization = "Demo Human Rights Monitor";
let orgKey = "";
await check(`the OrganizationAdmin key in .data/org-admin-key lists the keys of ${demoOrganization} only`, async () => {
  orgKey = readFileSync(join(repo, ".data/org-admin-key"), "utf8").trim();
  const answer = await get("/api/v1/api-keys?limit=500", { "X-Api-Key": orgKey });
  expectStatus(answer, 200, "GET /api/v1/api-keys with the OrganizationAdmin key");
  const items = JSON.parse(answer.text).items;
  const others = items.filter((k) => k.organization !== demoOrganization || k.role === "Admin");
  if (items.length === 0 || others.length > 0) throw new Error(`expected only keys of ${demoOrganization}, got ${JSON.stringify(items.map((k) => [k.organization, k.role]))}`);
});

await check("the OrganizationAdmin key identifies a protected demo person whom the operator sees as a pseudonym", async () => {
  const listed = await get("/api/v1/detainees?limit=500", { "X-Api-Key": orgKey });
  expectStatus(listed, 200, "GET /api/v1/detainees with the OrganizationAdmin key");
  const person = JSON.parse(listed.text).items.find((d) => d.isProtected);
  if (!person) throw new Error("no protected person among the demo's first 500");
  if (person.fullName.startsWith("Protected person")) throw new Error("the holding organization sees a pseudonym");
  const seen = await get(`/api/v1/detainees/${person.id}`, { "X-Api-Key": adminKey });
  expectStatus(seen, 200, "GET /api/v1/detainees/{id} with the operator key");
  const byOperator = JSON.parse(seen.text);
  if (!byOperator.fullName.startsWith("Protected person ") || byOperator.nationalId !== null) {
    throw new Error(`the operator sees ${JSON.stringify(byOperator.fullName)}, expected a pseudonym and no national id`);
  }
});

await check("the README's import example (dryRun=true) answers 200 with the OrganizationAdmin key, 403 with the operator key", async () => {
  const call = readme.match(/curl -H "X-Api-Key: \$KEY" -H 'Content-Type: text\/csv' --data-binary @list\.csv "http:\/\/localhost:\d+(\/api\/v1\/imports\?dryRun=true)"/);
  const csv = readme.match(/```csv\n(externalId,fullName[\s\S]*?)```/);
  if (!call || !csv) throw new Error("README.md has no import example (a ```csv block and its dryRun call with $KEY)");
  const post = async (key) => {
    const response = await fetch(new URL(call[1], baseUrl), { method: "POST", headers: { "X-Api-Key": key, "Content-Type": "text/csv" }, body: csv[1] });
    return { status: response.status, text: await response.text() };
  };
  const answer = await post(orgKey);
  expectStatus(answer, 200, `POST ${call[1]} with the OrganizationAdmin key`);
  if (JSON.parse(answer.text).dryRun !== true) throw new Error("the answer is not a dry run");
  expectStatus(await post(adminKey), 403, `POST ${call[1]} with the operator key`);
});

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
