using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrisonerReleaseTracker.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class ImportsAndSearchAtScale : Migration
    {
        /// <summary>Han (with extensions and compatibility ideographs), kana and Hangul syllables: scripts written without spaces.</summary>
        private const string UnspacedScripts = @"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    request_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    response_status = table.Column<int>(type: "integer", nullable: false),
                    response_body = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => new { x.organization, x.key });
                });

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_created_at",
                table: "idempotency_keys",
                column: "created_at");

            // Search at scale. pg_trgm makes trigrams of words; a Chinese, Japanese or Korean name is one word
            // without spaces, and a query of one or two of its characters has no trigram at all, so the index
            // could not serve it. prt_fold now puts every such character between spaces (陈卫 -> 陈 卫): each is
            // a word of its own, and "% 陈 卫 %" yields trigrams ("  陈", " 陈 ", ...) that the index answers.
            // Names, queries and facility names fold through this one function, so equality keeps its meaning
            // (陈卫 and 陈 卫 fold alike). The stored search text gains a space at each end, so that a query
            // starting or ending with such a character also matches at the edges of a name.
            migrationBuilder.Sql($$"""
                CREATE OR REPLACE FUNCTION prt_fold(text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
                AS $$ SELECT btrim(regexp_replace(
                    regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)), '([{{UnspacedScripts}}])', ' \1 ', 'g'),
                    '\s+', ' ', 'g')) $$;

                CREATE OR REPLACE FUNCTION prt_search_text(full_name text, other_names text[]) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT ' ' || prt_fold(full_name || ' ' || coalesce(array_to_string(other_names, ' '), '')) || ' ' $$;

                -- A stored generated column keeps what it computed: drop it and add it again so every row is folded anew.
                ALTER TABLE detainees DROP COLUMN search_text;
                ALTER TABLE detainees ADD COLUMN search_text text GENERATED ALWAYS AS (prt_search_text(full_name, other_names)) STORED;
                CREATE INDEX ix_detainees_search_text ON detainees USING gin (search_text gin_trgm_ops);

                -- Possible duplicates on import: the same folded name, found by index.
                CREATE INDEX ix_detainees_folded_full_name ON detainees (prt_fold(full_name));

                -- UUIDv7 for rows made in SQL (the facilities and sources an import creates), time-ordered like the rest.
                CREATE FUNCTION prt_uuid_v7() RETURNS uuid
                LANGUAGE sql VOLATILE PARALLEL SAFE
                AS $$ SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
                    52, 1), 53, 1), 'hex')::uuid $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION prt_uuid_v7();
                DROP INDEX ix_detainees_folded_full_name;

                CREATE OR REPLACE FUNCTION prt_fold(text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
                AS $$ SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)), '\s+', ' ', 'g')) $$;

                CREATE OR REPLACE FUNCTION prt_search_text(full_name text, other_names text[]) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE
                AS $$ SELECT prt_fold(full_name || ' ' || coalesce(array_to_string(other_names, ' '), '')) $$;

                ALTER TABLE detainees DROP COLUMN search_text;
                ALTER TABLE detainees ADD COLUMN search_text text GENERATED ALWAYS AS (prt_search_text(full_name, other_names)) STORED;
                CREATE INDEX ix_detainees_search_text ON detainees USING gin (search_text gin_trgm_ops);
                """);

            migrationBuilder.DropTable(
                name: "idempotency_keys");
        }
    }
}
