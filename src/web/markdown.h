/* markdown.h — Markdown from people (unit bodies, forum posts) to HTML that
 * can be put in a page as it is, and to plain text.
 *
 * md4c parses; our own renderer writes the HTML, so only what it knows can
 * come out: text and attributes are escaped by construction, raw HTML in the
 * source is shown as text, links and images keep their URL only when it is
 * safe: http, https, mailto (links only), or relative, which includes
 * "//host/path" (it takes the page's scheme, http or https).  The scheme is
 * judged as the browser will read the URL, entities resolved.
 *
 * Dialect: CommonMark with GitHub's tables, strikethrough, task lists and
 * autolinks (bare URLs, www. and e-mail addresses).
 *
 * Output, for the page's stylesheet:
 *   headings are shifted down one level (# is <h2>; the page owns <h1>);
 *   table cells carry class="md-align-left|center|right" (the CSP forbids
 *   style attributes);
 *   task list items are <li class="task"><input type="checkbox" disabled>;
 *   links carry rel="nofollow noopener ugc", images loading="lazy";
 *   code blocks carry class="language-X" when X is [A-Za-z0-9_+-]{1,32}.
 */
#ifndef LECTERN_MARKDOWN_H
#define LECTERN_MARKDOWN_H

#include "core/core.h"

/* Appends the HTML of `src` to `out`.  Exactly `len` bytes are read (no
 * NUL needed), and they may be any bytes at all.  The HTML is well-formed,
 * valid UTF-8 (bad bytes and controls become U+FFFD) and safe to wrap in a
 * SafeHtml; past 256 nested elements, text is kept without its tags.
 * Returns LN_OK; LN_ELIMIT when `out` reached its ceiling or `len` is over
 * 4 GiB; LN_ENOMEM when md4c fails.  On error, `out` is put back to its
 * length on entry (its `over` flag stays set). */
int markdown_render(Buf *out, const char *src, size_t len);

/* Appends the text content of `src` (`len` bytes) to `out`, for search and
 * meta descriptions: no markup, no URLs, image descriptions kept, runs of
 * whitespace and block boundaries collapsed to one space, no space at
 * either end, valid UTF-8.  Stops after `max_chars` characters (code
 * points, so the cut is on a UTF-8 boundary); 0 means no limit. */
void markdown_to_text(Buf *out, const char *src, size_t len, size_t max_chars);

#endif
