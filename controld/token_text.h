/* SPDX-License-Identifier: MIT */
/*
 * The text form of a bearer token, "keel_<16 hex id>_<64 hex secret>" (lower-case hex):
 * controld makes tokens in this form and checks presented ones against it. Pure, so the
 * parser is unit tested and fuzzed on its own (tests/api/).
 */
#ifndef KEEL_CONTROLD_TOKEN_TEXT_H
#define KEEL_CONTROLD_TOKEN_TEXT_H

#define TOKEN_ID_HEX	 16
#define TOKEN_SECRET_HEX 64

/* Splits a presented token (ending at NUL or a space) into id and secret; 0 or -EINVAL. */
int token_parse(const char *tok, char id[TOKEN_ID_HEX + 1], char secret[TOKEN_SECRET_HEX + 1]);

#endif
