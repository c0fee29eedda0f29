/* gift.h — Moodle's GIFT quiz format: import into an ItemBank, export back.
 *
 * Pure text in, pure text out: no database, no files.  How each GIFT form
 * maps onto Item (see item.h) and what the module decides where GIFT is
 * vague is written at the top of gift.c.
 */
#ifndef LECTERN_GIFT_H
#define LECTERN_GIFT_H

#include "assess/item.h"

/* Limits on what gift_parse accepts (each one an error, never a cut). */
#define GIFT_MAX_ITEMS 5000
#define GIFT_MAX_CHOICES 200
#define GIFT_MAX_TEXT 65536         /* bytes in any one text: question, answer, feedback */

/* Where the first problem is: 1-based line, 1-based column counted in
 * characters (code points) of that line; `message` is English, for people. */
typedef struct GiftError {
    int line, column;
    const char *message;
} GiftError;

/* Parses `len` bytes of GIFT (UTF-8, optional BOM, LF or CRLF line ends).
 * All or nothing: LN_OK and the items in `out`, everything allocated in
 * `a`; or LN_EINVAL (bad syntax, bad UTF-8) / LN_ELIMIT (a limit above),
 * `out` empty and `err` (may be NULL) naming the first problem. */
int gift_parse(Arena *a, const char *src, size_t len, ItemBank *out, GiftError *err);

/* Appends the bank as canonical GIFT: parse → write → parse → write gives
 * the same bytes twice, and gift_parse(gift_write(bank)) equals the bank in
 * every field GIFT can express.  Items GIFT cannot hold (ORDERING, CLOZE,
 * and items gift_parse would reject, such as a multiple choice with one
 * choice) are left out; gift_write_ex counts them in *skipped (may be
 * NULL).  A Buf with a ceiling that overflows has `over` set. */
void gift_write(Buf *out, const ItemBank *bank);
void gift_write_ex(Buf *out, const ItemBank *bank, int *skipped);

/* A decimal number ("-3.25", "1e3") at s[0..n) into millionths, rounded
 * half away from zero, as GIFT's numeric answers: the bytes used (0: no
 * number there), or -1 when it is too large (at most 10^12). */
long gift_millionths(const char *s, size_t n, int64_t *out);

#endif
