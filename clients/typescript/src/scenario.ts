// A partner's scenario with a client generated from docs/openapi.json (openapi-typescript types + openapi-fetch).
// Run by clients/run-scenarios.sh; by hand: PRT_BASE_URL=http://localhost:5080 PRT_ADMIN_KEY=prt_... npm run scenario
// Every answer is checked against the document (src/contract.ts); each step asserts on the answer, and the first
// failure ends the run with a message and exit code 1.
import { resolve } from "node:path";
import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "../generated/api";
import { Contract } from "./contract";

type Schemas = components["schemas"];

const baseUrl = setting("PRT_BASE_URL").replace(/\/+$/, "");
const adminKey = setting("PRT_ADMIN_KEY");
const contract = new Contract<Schemas>(process.env["PRT_OPENAPI"] ?? resolve(__dirname, "../../../../docs/openapi.json"));
const isValidationProblem = contract.guard("ValidationProblemDetails");

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`set ${name}`);
  return value;
}

/**
 * A client acting with one API key (or anonymously); every answer goes through the contract check. It reads JSON
 * answers (the second type argument picks the JSON media types where an operation offers CSV too).
 */
function clientFor(key?: string) {
  const client = createClient<paths, `${string}/${string}json`>({ baseUrl, headers: key === undefined ? {} : { "X-Api-Key": key } });
  client.use(contract.middleware);
  return client;
}

class StepFailed extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new StepFailed(message);
}

function expectStatus(response: Response, expected: number): void {
  check(response.status === expected, `expected HTTP ${expected}, got ${response.status}`);
}

function present<T>(value: T | undefined, what: string): T {
  check(value !== undefined, `no ${what} in the answer`);
  return value;
}

/** Location is the absolute URL of the new item: the base URL and the path of the operation that reads it. */
function expectLocation(response: Response, itemPath: string): void {
  const location = contract.header(response, "Location");
  check(location === `${baseUrl}${itemPath}`, `Location ${location} is not ${baseUrl}${itemPath}`);
}

let failures = 0;
async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await body();
    console.log(`  ok   ${name} (${Math.round(performance.now() - started)} ms)`);
    return result;
  } catch (error) {
    failures++;
    console.error(`  FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

const secondsAgo = (seconds: number): string => new Date(Date.now() - seconds * 1000).toISOString();

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const orgA = `Scenario A ${run}`;
  const orgB = `Scenario B ${run}`;
  // A release day of its own, far from the demo story, so the totals for that day move only with this run.
  const day = new Date(Date.UTC(2000 + (parseInt(run.slice(0, 4), 16) % 20), parseInt(run.slice(4, 6), 16) % 12, 1 + (parseInt(run.slice(6, 8), 16) % 28)))
    .toISOString()
    .slice(0, 10);
  console.log(`TypeScript scenario (openapi-typescript + openapi-fetch) against ${baseUrl}, run ${run}, release day ${day}`);

  const admin = clientFor(adminKey);
  const anonymous = clientFor();

  const issue = async (name: string, organization: string, role: Schemas["Role"]) => {
    const { data, response } = await admin.POST("/api/v1/api-keys", { body: { name, organization, role } });
    expectStatus(response, 201);
    const created = present(data, "created key");
    check(created.apiKey.role === role && created.apiKey.organization === organization, `key issued as ${created.apiKey.role} of ${created.apiKey.organization}`);
    expectLocation(response, `/api/v1/api-keys/${created.apiKey.id}`);
    return created.key;
  };
  const [contributorA, verifierA, verifierB] = await step("Admin issues keys: Contributor and Verifier of A, Verifier of B", () =>
    Promise.all([issue(`contributor ${run}`, orgA, "Contributor"), issue(`verifier ${run}`, orgA, "Verifier"), issue(`verifier ${run}`, orgB, "Verifier")]),
  );
  const contributor = clientFor(contributorA);
  const reporter = clientFor(verifierA);
  const verifier = clientFor(verifierB);

  const sourceId = await step("Contributor of A records a source", async () => {
    const { data, response } = await contributor.POST("/api/v1/sources", {
      body: { url: `https://example.org/scenario/${run}`, kind: "NgoReport", title: `Scenario report ${run}`, language: "en" },
    });
    expectStatus(response, 201);
    const source = present(data, "source");
    expectLocation(response, `/api/v1/sources/${source.id}`);
    return source.id;
  });

  const fullName = `Scenario Person ${run} (demo)`;
  const detaineeId = await step("Contributor of A records a detainee", async () => {
    const { data, response } = await contributor.POST("/api/v1/detainees", {
      body: { fullName, gender: "Female", isProtected: false, birthDate: "1970-05", nationalities: ["VE"] },
    });
    expectStatus(response, 201);
    const detainee = present(data, "detainee");
    check(detainee.fullName === fullName && detainee.organization === orgA, `detainee stored as ${detainee.fullName} of ${detainee.organization}`);
    expectLocation(response, `/api/v1/detainees/${detainee.id}`);
    return detainee.id;
  });

  await step("Contributor of A corrects the detainee with PUT and If-Match (the ETag of a GET)", async () => {
    const read = await contributor.GET("/api/v1/detainees/{id}", { params: { path: { id: detaineeId } } });
    expectStatus(read.response, 200);
    const etag = contract.header(read.response, "ETag");
    const { data, response } = await contributor.PUT("/api/v1/detainees/{id}", {
      params: { path: { id: detaineeId }, header: { "If-Match": etag } },
      body: { fullName, otherNames: [`Scenario ${run}`], gender: "Female", isProtected: false, birthDate: "1970-05-17", nationalities: ["VE"] },
    });
    expectStatus(response, 200);
    const updated = present(data, "detainee");
    check(updated.birthDate === "1970-05-17" && updated.otherNames.includes(`Scenario ${run}`), "the PUT did not change the detainee");
    check(contract.header(response, "ETag") !== etag, "the ETag did not change with the detainee");
  });

  const detentionId = await step("Contributor of A records a detention", async () => {
    const { data, response } = await contributor.POST("/api/v1/detainees/{detaineeId}/detentions", {
      params: { path: { detaineeId } },
      body: { arrestedOn: "1999", arrestingAuthority: "Scenario authority", charges: ["scenario"] },
    });
    expectStatus(response, 201);
    const detention = present(data, "detention");
    check(detention.isOpen && detention.detaineeId === detaineeId, "the detention is not open for the detainee");
    expectLocation(response, `/api/v1/detentions/${detention.id}`);
    return detention.id;
  });

  const totalsFor = async () => {
    const { data, response } = await anonymous.GET("/api/v1/totals", { params: { query: { from: day, to: day } } });
    expectStatus(response, 200);
    return { totals: present(data, "totals"), etag: contract.header(response, "ETag") };
  };
  const before = await step("Anonymous totals for the release day, before the release", totalsFor);

  const release = await step("Verifier of A reports the release (a release answers with its ETag)", async () => {
    const { data, response } = await reporter.POST("/api/v1/releases", {
      body: {
        detentionId,
        releasedOn: day,
        kind: "Conditional",
        conditions: { chargesDropped: false, travelBan: true, barredFromPublicStatements: true, mustReportToCourt: false },
        sourceIds: [sourceId],
      },
    });
    expectStatus(response, 201);
    const created = present(data, "release");
    check(created.verificationStatus === "Reported" && created.releasedOn === day, `release is ${created.verificationStatus} on ${created.releasedOn}`);
    expectLocation(response, `/api/v1/releases/${created.id}`);
    return { id: created.id, etag: contract.header(response, "ETag") };
  });

  const decide = (client: ReturnType<typeof clientFor>, etag: string, status: Schemas["VerificationStatus"]) =>
    client.POST("/api/v1/releases/{id}/verifications", {
      params: { path: { id: release.id }, header: { "If-Match": etag } },
      body: { status, method: "FamilyConfirmation", occurredAt: secondsAgo(1), sourceIds: [sourceId], note: `scenario ${run}` },
    });
  const currentEtag = async () => {
    const { data, response } = await verifier.GET("/api/v1/releases/{id}", { params: { path: { id: release.id } } });
    expectStatus(response, 200);
    return { status: present(data, "release").verificationStatus, etag: contract.header(response, "ETag") };
  };

  await step("409: the key that reported the release cannot decide on it (four eyes)", async () => {
    const { error, response } = await decide(reporter, release.etag, "Verified");
    expectStatus(response, 409);
    const problem = present(error, "problem");
    check(problem.title === "The key that reported a release cannot verify it", `problem title: ${problem.title}`);
  });

  await step("Verifier of B: UnderVerification, then Verified, each with If-Match", async () => {
    const first = await decide(verifier, release.etag, "UnderVerification");
    expectStatus(first.response, 201);
    const decision = present(first.data, "decision");
    check(decision.status === "UnderVerification" && decision.decidedBy.organization === orgB, `decision ${decision.status} by ${decision.decidedBy.organization}`);
    expectLocation(first.response, `/api/v1/releases/${release.id}/verifications/${decision.sequence}`);
    const now = await currentEtag();
    check(now.status === "UnderVerification" && now.etag !== release.etag, "the release did not move to UnderVerification with a new ETag");
    const second = await decide(verifier, now.etag, "Verified");
    expectStatus(second.response, 201);
    check(present(second.data, "decision").sequence === 2, "the Verified decision is not the second one");
  });

  await step("409: Verified cannot go back to UnderVerification (illegal transition)", async () => {
    const now = await currentEtag();
    check(now.status === "Verified", `release is ${now.status}`);
    const { error, response } = await decide(verifier, now.etag, "UnderVerification");
    expectStatus(response, 409);
    check(present(error, "problem").title === "Illegal verification transition", "wrong problem title");
  });

  const claimId = await step("Contributor of A records a claim about the release day", async () => {
    const { data, response } = await contributor.POST("/api/v1/claims", {
      body: {
        claimant: `Scenario NGO ${run}`,
        claimantKind: "Ngo",
        metric: "Releases",
        statedAt: secondsAgo(1),
        period: { from: day, to: day },
        count: { qualifier: "AtLeast", value: 1000 },
        originalText: "al menos 1000",
        sourceIds: [sourceId],
      },
    });
    expectStatus(response, 201);
    const claim = present(data, "claim");
    expectLocation(response, `/api/v1/claims/${claim.id}`);
    return claim.id;
  });

  const after = await step("Totals for the release day: one more verified person, the claim beside it", async () => {
    const now = await totalsFor();
    const { totals } = now;
    check(totals.releases.verified === before.totals.releases.verified + 1, `verified ${totals.releases.verified}, was ${before.totals.releases.verified}`);
    check(totals.verifiedPersons === before.totals.verifiedPersons + 1, `verifiedPersons ${totals.verifiedPersons}, was ${before.totals.verifiedPersons}`);
    check(totals.verifiedWithChargesPending === before.totals.verifiedWithChargesPending + 1, "the charges still pending were not counted");
    const reconciled = totals.claims.find((c) => c.claim.id === claimId);
    check(reconciled !== undefined, "the claim is not beside the totals");
    check(reconciled.verifiedNow === totals.releases.verified, `verifiedNow ${reconciled.verifiedNow}`);
    check(reconciled.claim.count.lowerBound === 1000 && reconciled.unverifiedAtLeast === 1000 - reconciled.verifiedNow, `unverifiedAtLeast ${reconciled.unverifiedAtLeast}`);
    check(now.etag !== before.etag, "the totals' ETag did not change");
    return now;
  });

  await step("304: the same totals with If-None-Match", async () => {
    const { response } = await anonymous.GET("/api/v1/totals", {
      params: { query: { from: day, to: day }, header: { "If-None-Match": after.etag } },
    });
    expectStatus(response, 304);
  });

  await step("400: a detainee with a bad birth date and a bad nationality names both, with a traceId", async () => {
    const { error, response } = await contributor.POST("/api/v1/detainees", {
      body: { fullName: `Scenario Invalid ${run}`, gender: "Male", isProtected: false, birthDate: "1970-13-45", nationalities: ["V3"] },
    });
    expectStatus(response, 400);
    check(isValidationProblem(error), "the 400 is not a ValidationProblemDetails");
    const fields = Object.keys(error.errors);
    check(fields.includes("birthDate") && fields.includes("nationalities[0]"), `errors name ${fields.join(", ")}`);
    check(error.traceId.length > 0, "no traceId");
  });

  await step("Export of every detainee as JSON (format=json): the detainee with its release, people without one", async () => {
    const { data, response } = await contributor.GET("/api/v1/exports/detainees", { params: { query: { format: "json" } } });
    expectStatus(response, 200);
    const rows = present(data, "rows");
    const row = rows.find((r) => r.id === detaineeId);
    check(row !== undefined, `the detainee is not among the ${rows.length} rows`);
    check(row.releaseKind === "Conditional" && row.releasedOn === day && row.birthDate === "1970-05-17", "the row does not carry the release");
    check(rows.some((r) => r.releaseKind === null), "no row of a person without a release (the demo data has some)");
  });

  console.log(`TypeScript scenario passed (${contract.violations.length} contract violations)`);
}

main().catch((error: unknown) => {
  if (failures === 0) console.error(`  FAIL ${error instanceof Error ? error.message : String(error)}`);
  console.error("TypeScript scenario FAILED");
  process.exitCode = 1;
});
