using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class WordSearch : Migration
    {
        /// <summary>
        /// What separates words besides spaces: ASCII's punctuation and symbols, Latin-1's (¡¿«»·), the modifier apostrophe,
        /// general punctuation (‐–—‘’“”•…), CJK's (、。「」【】) and the fullwidth forms (（）！，・). Written as code
        /// points, so the database's locale does not change what a word is.
        /// </summary>
        private const string Punctuation = @"\u0021-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007e\u00a1-\u00bf\u02bc\u2010-\u205e\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Name search by words (issue 18): a trigram bitmap of a common name grows with the number of people; the
            // words of a name, folded as names are folded everywhere (prt_fold), go into a tsvector whose GIN index
            // answers whole words and word prefixes: each word is stored with its beginnings, and a query is an AND of
            // exact lexemes, which GIN answers by skipping through the posting list of the rarest.
            // The lexemes are the words themselves (array_to_tsvector: no parser, no dictionary), and a query is made of
            // words split the same way, so no language's rules (stemming, stop words) change what matches.
            migrationBuilder.Sql($$"""
                -- The words of a folded name: split at spaces; a word joined by punctuation (al-hassan, o'brien,
                -- (akbarimin)) is also each of its parts and its parts run together (al, hassan, alhassan).
                CREATE FUNCTION prt_name_words(folded text) RETURNS text[]
                LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
                AS $$ SELECT coalesce(array_agg(p.word), '{}') FROM regexp_split_to_table($1, ' ') AS t(token)
                      CROSS JOIN LATERAL unnest(array_prepend(regexp_replace(t.token, '[{{Punctuation}}]', '', 'g'),
                                                              regexp_split_to_array(t.token, '[{{Punctuation}}]'))) AS p(word)
                      WHERE p.word <> '' $$;

                -- What q searches: every word of every name of the person (full and other names) and every beginning of
                -- each (angel: a, an, ang, ange, angel). A prefix is then an exact lexeme, found like a whole word: a
                -- prefix query ('ang':*) would gather every entry that starts so and all their rows, which grows with
                -- the record, while an AND of exact lexemes skips through the rarest one's rows.
                CREATE FUNCTION prt_search_words(full_name text, other_names text[]) RETURNS tsvector
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT array_to_tsvector(coalesce(array_agg(DISTINCT left(w.word, n.length)), '{}'))
                      FROM unnest(prt_name_words(prt_fold(full_name || ' ' || coalesce(array_to_string(other_names, ' '), '')))) AS w(word)
                      CROSS JOIN LATERAL generate_series(1, length(w.word)) AS n(length) $$;

                -- q as a query: every word of it (split at spaces and punctuation) begins a word of the person's names,
                -- that is, is one of the lexemes of prt_search_words; null, which matches nothing, when q has no word.
                -- Quotes and backslashes are punctuation, so never in a word; a word is quoted all the same.
                CREATE FUNCTION prt_name_query(q text) RETURNS tsquery
                LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
                AS $$ SELECT string_agg('''' || replace(replace(t.word, '\', '\\'), '''', '''''') || '''', ' & ')::tsquery
                      FROM regexp_split_to_table(prt_fold($1), '[ {{Punctuation}}]+') AS t(word) WHERE t.word <> '' $$;
                """);

            migrationBuilder.DropIndex(
                name: "ix_detainees_search_text",
                table: "detainees");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "detainees");

            migrationBuilder.Sql("DROP FUNCTION prt_search_text(text, text[]);");

            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "search_words",
                table: "detainees",
                type: "tsvector",
                nullable: true,
                computedColumnSql: "prt_search_words(full_name, other_names)",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_detainees_search_words",
                table: "detainees",
                column: "search_words")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_detainees_search_words",
                table: "detainees");

            migrationBuilder.DropColumn(
                name: "search_words",
                table: "detainees");

            migrationBuilder.Sql("""
                DROP FUNCTION prt_name_query(text);
                DROP FUNCTION prt_search_words(text, text[]);
                DROP FUNCTION prt_name_words(text);

                CREATE FUNCTION prt_search_text(full_name text, other_names text[]) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT ' ' || prt_fold(full_name || ' ' || coalesce(array_to_string(other_names, ' '), '')) || ' ' $$;
                """);

            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "detainees",
                type: "text",
                nullable: true,
                computedColumnSql: "prt_search_text(full_name, other_names)",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_detainees_search_text",
                table: "detainees",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}
