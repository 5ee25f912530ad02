/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stmt.h - codecs of the prepared-statement (binary) protocol: the
 * COM_STMT_PREPARE answer, the COM_STMT_EXECUTE and COM_STMT_SEND_LONG_DATA
 * requests, and binary result rows. Pure functions over bytes, no I/O.
 */
#ifndef DJ_WIRE_STMT_H
#define DJ_WIRE_STMT_H

#include "core/internal.h"
#include "wire/buf.h"

/* COM_STMT_PREPARE_OK. */
typedef struct dj__prepare_ok {
    uint32_t id;
    uint16_t ncols;
    uint16_t nparams;
    uint16_t warnings;
} dj__prepare_ok;

/* Parses COM_STMT_PREPARE_OK (0x00, id, columns, params, filler, warnings);
 * anything else, shorter or longer, is DJ_EPROTO. */
int dj__prepare_ok_parse(const uint8_t *p, size_t len, dj__prepare_ok *ok, dj_error *err);

/* 0 for a param that can be sent: a known type, and data for any string or
 * bytes of non-zero length; DJ_EINVAL otherwise. */
int dj__param_check(const dj_param *p);

/* 1 when the parameter's value travels in COM_STMT_SEND_LONG_DATA packets
 * instead of inside COM_STMT_EXECUTE (DJ_PARAM_LONG_DATA, and strings and
 * bytes of DJ_STMT_LONG_DATA_MIN or more). */
int dj__param_is_long(const dj_param *p);

/* Appends the body of COM_STMT_EXECUTE after its command byte: statement id,
 * no cursor, one iteration, NULL bitmap, the types and the values of the
 * parameters that are neither NULL nor long. DJ_EINVAL for an unknown type. */
int dj__stmt_execute_build(dj__builder *b, uint32_t id, const dj_param *params, unsigned n,
                           dj_error *err);

/* Appends the COM_STMT_SEND_LONG_DATA header after its command byte; the
 * data follows as the rest of the packet. */
void dj__long_data_header_build(dj__builder *b, uint32_t id, uint16_t param);

/*
 * Splits a binary row into ncols values pointing into p, by the columns'
 * types: header 0x00, NULL bitmap with column i at bit i+2, then the non-NULL
 * values. Fixed-size numbers keep their little-endian bytes; dates and times
 * their packed bytes after the length byte (length 0, 4, 7, 11 or 0, 8, 12);
 * everything else its length-encoded string. Wrong header, set padding bits,
 * bad lengths, out-of-range date fields and bytes left over are DJ_EPROTO.
 */
int dj__binary_row_parse(const uint8_t *p, size_t len, const dj_column *cols, unsigned ncols,
                         dj_value *values, dj_error *err);

/* Size of a fixed-size binary value of a column type, 0 for variable ones. */
size_t dj__binary_fixed_size(uint8_t type);
/* 1 for DATE, DATETIME, TIMESTAMP and TIME. */
int dj__type_is_temporal(uint8_t type);

/* Decodes the packed bytes of a binary DATE/DATETIME/TIMESTAMP/TIME value (as
 * dj__binary_row_parse left them). */
void dj__binary_temporal_decode(uint8_t type, const uint8_t *p, size_t len, dj_datetime *out);

#endif
