namespace PrisonerReleaseTracker.Api.Features.Lists;

/// <summary>
/// The SQL of a list's upload: entries arrive by binary COPY, and every entry is matched in one set-based statement
/// over indexes (external ids by (scheme, value), national ids by (organization, national_id), names through the GIN
/// index on <c>detainees.folded_names</c>), with the rules of <see cref="Domain.Lists.MatchRules"/>.
/// </summary>
internal static class ListSql
{
    public const string CopyEntries = """
        COPY list_entries (id, list_id, number, full_name, other_names, birth_date, national_id, external_ids, nationalities, facility,
                           released_on, note)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>
    /// Every person each entry of <c>@list_id</c> may name, at their best level: Exact (an external id, or a national id that
    /// the list's own organization holds: no other organization's national ids are compared), Strong (a folded name on
    /// both sides and birth dates that may be the same day: partial dates nest, so one is a prefix of the other), Weak (a
    /// folded name). Candidates are stored whoever holds the person: what a reader sees of them is decided when read.
    /// </summary>
    public const string MatchEntries = """
        INSERT INTO list_match_candidates (list_id, entry_id, detainee_id, level)
        SELECT @list_id, m.entry_id, m.detainee_id, CASE min(m.rank) WHEN 0 THEN 'Exact' WHEN 1 THEN 'Strong' ELSE 'Weak' END
        FROM (
            SELECT e.id AS entry_id, x.detainee_id, 0 AS rank
            FROM list_entries e
            CROSS JOIN LATERAL unnest(e.external_ids) AS listed(id)
            JOIN detainee_external_ids x
              ON x.scheme = split_part(listed.id, ':', 1) AND x.value = substr(listed.id, strpos(listed.id, ':') + 1)
            WHERE e.list_id = @list_id
            UNION ALL
            SELECT e.id, d.id, 0
            FROM list_entries e
            JOIN detainees d ON d.organization = @org AND d.national_id = e.national_id
            WHERE e.list_id = @list_id AND e.national_id IS NOT NULL
            UNION ALL
            SELECT e.id, d.id,
                   CASE WHEN e.birth_date IS NOT NULL AND d.birth_date IS NOT NULL
                             AND (starts_with(e.birth_date, d.birth_date) OR starts_with(d.birth_date, e.birth_date)) THEN 1 ELSE 2 END
            FROM list_entries e
            JOIN detainees d ON d.folded_names && prt_folded_names(e.full_name, e.other_names::text[])
            WHERE e.list_id = @list_id
        ) m
        GROUP BY m.entry_id, m.detainee_id
        """;
}
