using System.Globalization;
using PrisonerReleaseTracker.Bench;

// The benchmark's own tool; bench/run.sh drives it. Commands:
//   generate       --conn CS --scale N [--seed S]               load the synthetic record (binary COPY) and VACUUM it
//   serve          --conn CS --urls URL --const-body FILE       the reference endpoints: constant response, raw-Npgsql release,
//                  [--totals-sql F --totals-defs F --totals-body F] and the captured totals statements (see ReferenceServer)
//                  [--page-body F --page-headers F]                the public page's bytes and headers at /const-page
//   search-terms   --scale N [--seed S] --count K --out FILE    name searches that match people present at every scale >= N
//   import-csv     --rows R --offset O [--seed S] --out FILE    rows for POST /imports (text/csv)
//   import-copy    --conn CS --csv FILE [--warm-csv FILE]       the same rows through binary COPY, no API; prints rows/s
//                                                               (--warm-csv: COPY those first, untimed, and roll them back)
//   list-csv       --entries E --people P [--seed S] --out FILE [--json FILE]  a claimed list (CSV; and as JSON): names of the
//                                                               first P people and others
//   list-copy      --conn CS --list-id ID --csv FILE [--warm-csv FILE]  the same entries through binary COPY into list_entries; prints entries/s
//   pgbench-script --log CSVLOG --db DB --out FILE                   the statements the API sent, as a pgbench script (stdout: -D options)
//   webhook-latency --api URL --admin-key KEY [--writes N] [--fanout S] [--burst W] [--raw R]
//                  webhook delivery latency (p50/p99 from commit) and deliveries/s against raw POSTs to the same
//                  loopback receiver; the API needs Webhooks__AllowedHttpHosts=127.0.0.1
//   decisions      --api URL --key KEY --releases FILE --from L --connections C --per-connection K --log FILE
//                  C x K verification decisions, each on a release of its own (lines L.. of FILE: "id status"), K per
//                  connection in turn; every answer a 201; per-request log in h2load's format (see Decisions)
//   check-paths    --api URL --key KEY --periods F..T,F.. [--group-by B,B]  whether the answers as of now (aggregates), as of
//                  the same moment (history) and known at it (replay) agree on this data (see PathsCheck); exit 1 if not
var command = args.Length > 0 ? args[0] : "";
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Need(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required for {command}");
long Long(string name, long fallback) => options.TryGetValue(name, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;

try
{
    return command switch
    {
        "generate" => await Generator.RunAsync(Need("conn"), Long("scale", 10_000), Long("seed", 42)),
        "serve" => await ReferenceServer.RunAsync(Need("conn"), Need("urls"), Need("const-body"),
            options.ContainsKey("totals-sql") ? (Need("totals-sql"), Need("totals-defs"), Need("totals-body")) : null,
            options.ContainsKey("page-body") ? (Need("page-body"), Need("page-headers")) : null),
        "search-terms" => SearchTerms.Write(Long("scale", 10_000), Long("seed", 42), (int)Long("count", 200), Need("out")),
        "import-csv" => ImportData.WriteCsv(Long("rows", 100_000), Long("offset", 0), Long("seed", 42), Need("out")),
        "import-copy" => await ImportData.CopyAsync(Need("conn"), Need("csv"), options.GetValueOrDefault("warm-csv")),
        "list-csv" => ListData.WriteCsv(Long("entries", 10_000), Long("people", 10_000), Long("seed", 42), Need("out"), options.GetValueOrDefault("json")),
        "list-copy" => await ListData.CopyAsync(Need("conn"), Guid.Parse(Need("list-id")), Need("csv"), options.GetValueOrDefault("warm-csv")),
        "pgbench-script" => PgbenchScript.Write(Need("log"), Need("db"), Need("out")),
        "webhook-latency" => await WebhookLatency.RunAsync(Need("api"), Need("admin-key"), (int)Long("writes", 200), (int)Long("fanout", 10),
            (int)Long("burst", 200), (int)Long("raw", 20_000)),
        "decisions" => await Decisions.RunAsync(Need("api"), Need("key"), Need("releases"), Long("from", 0), (int)Long("connections", 32),
            (int)Long("per-connection", 2), Need("log")),
        "check-paths" => await PathsCheck.RunAsync(Need("api"), Need("key"), Need("periods"), options.GetValueOrDefault("group-by", "chargesDropped")),
        _ => Usage(),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: PrisonerReleaseTracker.Bench generate|serve|search-terms|import-csv|import-copy|list-csv|list-copy|pgbench-script|webhook-latency|decisions|check-paths --option value ...");
    return 2;
}
