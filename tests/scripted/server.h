/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server.h - a scripted MySQL-protocol server for tests.
 *
 * A test writes the server's side of an exchange as a list of steps (send
 * this packet, expect a packet starting with these bytes, stall, close...),
 * then starts the server: it listens on 127.0.0.1 with a port chosen by the
 * kernel, accepts one client in its own thread and plays the steps in order.
 * Everything the client sent is recorded, so a test can check afterwards
 * what went over the wire and what did not (no password, no login packet).
 *
 * The server never blocks for long: every read and the accept give up after
 * SS_IO_TIMEOUT_MS, a stall ends early when the client hangs up, and a
 * failed step ends the script (the reason is kept for ss_finish).
 */
#ifndef DJ_TEST_SCRIPTED_SERVER_H
#define DJ_TEST_SCRIPTED_SERVER_H

#include <stddef.h>
#include <stdint.h>

#define SS_IO_TIMEOUT_MS 5000

typedef struct sserver sserver;

/* A listening server with an empty script; aborts the test process on failure. */
sserver *ss_new(void);
unsigned ss_port(const sserver *s);

/* ---- script steps, added before ss_start ---- */

/* One packet: a header with this sequence id, then the payload. */
void ss_send(sserver *s, uint8_t seq, const void *payload, size_t len);
/* The same with the payload in hex ("0a 35 2e" - spaces are ignored). */
void ss_send_hex(sserver *s, uint8_t seq, const char *hex);
/* Bytes exactly as given, no header added: for broken framing. */
void ss_send_raw(sserver *s, const void *bytes, size_t len);
void ss_send_raw_hex(sserver *s, const char *hex);
/* Reads one client packet; the step fails unless its sequence id is seq and
 * its payload starts with the bytes of prefix_hex ("" accepts any). */
void ss_expect(sserver *s, uint8_t seq, const char *prefix_hex);
/* Like ss_expect, but the payload must be exactly those bytes. */
void ss_expect_exact(sserver *s, uint8_t seq, const char *hex);
/* Waits ms milliseconds (recording what the client sends meanwhile); ends
 * early when the client closes the connection. */
void ss_stall(sserver *s, unsigned ms);
/* Closes the connection and ends the script. */
void ss_close(sserver *s);
/* Reads (and records) until the client closes the connection. */
void ss_wait_eof(sserver *s);
/* From here on, sends go out one byte per write, pause_us apart. */
void ss_bytewise(sserver *s, unsigned pause_us);
/* Sends 16 MiB - 1 fragments (sequence ids from seq on) until the client
 * stops reading, or up to max_fragments of them. */
void ss_flood(sserver *s, uint8_t seq, unsigned max_fragments);

/* Sends only the first `bytes` bytes of everything the script would send,
 * then closes the connection: for truncation at every offset. */
void ss_cut_after(sserver *s, size_t bytes);

/* Decodes hex (spaces ignored) into a malloc'ed buffer; returns its length. */
size_t ss_hex_bytes(const char *hex, uint8_t **out);

/* ---- running ---- */

/* Accepts one client in a thread and plays the script. */
void ss_start(sserver *s);
/* Waits for the script to end (after it, the server reads until the client
 * hangs up). Returns NULL when every step passed, else what went wrong. */
const char *ss_finish(sserver *s);
void ss_free(sserver *s);

/* Bytes the server sent in total (for computing cut offsets). */
size_t ss_sent(const sserver *s);

/* ---- what the client sent (valid after ss_finish) ---- */

/* Every byte, headers included. */
const uint8_t *ss_received(const sserver *s, size_t *len);
/* 1 when the client's bytes contain needle anywhere. */
int ss_received_contains(const sserver *s, const void *needle, size_t len);
/* Number of complete packets the client sent. */
size_t ss_packet_count(const sserver *s);
/* Payload of the i-th client packet (0-based) and its sequence id; NULL if none. */
const uint8_t *ss_packet(const sserver *s, size_t i, size_t *len, uint8_t *seq);

#endif
