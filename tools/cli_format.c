/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_format.c - rows for scripts in the three forms --format names:
 * tab-separated as `mysql --batch` writes them (tsv), RFC 4180 (csv), and
 * JSON lines (json: one object per row, keys the column names).
 */
#include "cli.h"

#include <string.h>

int dj__cli_parse_format(const char *text, int *format)
{
    int i = dj__cli_word_index("tsv\0csv\0json\0", text ? text : "tsv");
    if (i < 0)
        return dj__cli_usage_error(NULL, "unknown --format '%s' (tsv, csv or json)", text);
    *format = i;
    return DJ__CLI_OK;
}

/* ---- csv ---- */

/* NULL is an empty field and the empty string "" (as PostgreSQL's COPY
 * writes them), so that the two stay apart; other values are quoted when
 * they hold a comma, a quote or a line break, quotes doubled. */
static void put_csv(dj__cli_out *out, const char *p, size_t len)
{
    if (!p)
        return;
    int quote = len == 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r';
    if (!quote) {
        dj__cli_write(out, p, len);
        return;
    }
    dj__cli_putc(out, '"');
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] != '"')
            continue;
        dj__cli_write(out, p + from, i + 1 - from); /* through the quote, which is doubled */
        from = i;
    }
    dj__cli_write(out, p + from, len - from);
    dj__cli_putc(out, '"');
}

/* ---- json ---- */

/* A JSON string: quote, backslash and control characters escaped. Bytes of
 * binary values above 0x7F become \u0080..\u00FF (one code point per byte,
 * so that the output stays valid UTF-8); text is UTF-8 already. */
static void put_json_string(dj__cli_out *out, const char *p, size_t len, int bytes)
{
    dj__cli_putc(out, '"');
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        const char *short_form = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                                 : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
        if (!short_form && c >= 0x20 && (c < 0x7F || (c > 0x7F && !bytes)))
            continue;
        dj__cli_write(out, p + from, i - from);
        if (short_form)
            dj__cli_puts(out, short_form);
        else
            dj__cli_printf(out, "\\u%04x", c);
        from = i + 1;
    }
    dj__cli_write(out, p + from, len - from);
    dj__cli_putc(out, '"');
}

static void put_json_value(dj__cli_out *out, const char *p, size_t len, int kind)
{
    if (!p)
        dj__cli_puts(out, "null");
    else if (kind == DJ__CLI_NUMBER && len > 0)
        dj__cli_write(out, p, len);
    else
        put_json_string(out, p, len, kind == DJ__CLI_BYTES);
}

/* ---- rows ---- */

void dj__cli_rows_header(const dj__cli_rows *rows)
{
    if (rows->format == DJ__CLI_JSON)
        return;
    for (unsigned i = 0; i < rows->count; i++) {
        if (i > 0)
            dj__cli_putc(DJ__OUT, rows->format == DJ__CLI_CSV ? ',' : '\t');
        if (rows->format == DJ__CLI_CSV)
            put_csv(DJ__OUT, rows->names[i], strlen(rows->names[i]));
        else
            dj__cli_put_text(DJ__OUT, rows->names[i]);
    }
    dj__cli_puts(DJ__OUT, rows->format == DJ__CLI_CSV ? "\r\n" : "\n");
}

void dj__cli_rows_put(const dj__cli_rows *rows, const dj_value *values)
{
    if (rows->format == DJ__CLI_TSV) {
        dj__cli_put_row(DJ__OUT, values, rows->count);
        return;
    }
    for (unsigned i = 0; i < rows->count; i++) {
        if (rows->format == DJ__CLI_CSV) {
            if (i > 0)
                dj__cli_putc(DJ__OUT, ',');
            put_csv(DJ__OUT, values[i].ptr, values[i].len);
            continue;
        }
        dj__cli_puts(DJ__OUT, i == 0 ? "{" : ",");
        put_json_string(DJ__OUT, rows->names[i], strlen(rows->names[i]), 0);
        dj__cli_putc(DJ__OUT, ':');
        put_json_value(DJ__OUT, values[i].ptr, values[i].len,
                       rows->kinds ? rows->kinds[i] : DJ__CLI_TEXT);
    }
    if (rows->format == DJ__CLI_JSON)
        dj__cli_puts(DJ__OUT, rows->count ? "}\n" : "{}\n");
    else
        dj__cli_puts(DJ__OUT, "\r\n");
}

void dj__cli_rows_text(const dj__cli_rows *rows, const char *const *texts)
{
    dj_value values[DJ__CLI_MAX_TEXT_COLUMNS];
    for (unsigned i = 0; i < rows->count && i < DJ__CLI_MAX_TEXT_COLUMNS; i++) {
        values[i].ptr = texts[i];
        values[i].len = texts[i] ? strlen(texts[i]) : 0;
    }
    dj__cli_rows_put(rows, values);
}
