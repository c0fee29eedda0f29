/* test_markdown.c — the Markdown renderer of src/web/markdown.c: what it
 * writes for each construct, and what it refuses to write. */
#include "testutil.h"
#include "web/markdown.h"

/* Each test gets a fresh arena through cmocka's state. */
static int arena_setup(void **state)
{
    *state = arena_new();
    return 0;
}

static int arena_teardown(void **state)
{
    arena_free(*state);
    return 0;
}

/* A string literal with its length, NULs included. */
#define LIT(s) (s), (sizeof(s) - 1)

/* The HTML of `len` bytes of `src`, checked to be valid UTF-8; lives in
 * the test's arena. */
static const char *md_n(void **state, const char *src, size_t len)
{
    Buf b;
    buf_init(&b, 0);
    assert_int_equal(markdown_render(&b, src, len), LN_OK);
    assert_true(utf8_valid(buf_cstr(&b), b.len));
    char *html = arena_strdup(*state, buf_cstr(&b));
    buf_free(&b);
    return html;
}

static const char *md(void **state, const char *src) { return md_n(state, src, strlen(src)); }

/* The plain text of `src`, cut at `max` characters, checked likewise. */
static const char *text_n(void **state, const char *src, size_t len, size_t max)
{
    Buf b;
    buf_init(&b, 0);
    markdown_to_text(&b, src, len, max);
    assert_true(utf8_valid(buf_cstr(&b), b.len));
    if (max) assert_true(utf8_len(buf_cstr(&b)) <= max);
    char *s = arena_strdup(*state, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static const char *text(void **state, const char *src, size_t max)
{
    return text_n(state, src, strlen(src), max);
}

/* strstr with the haystack in the failure message. */
static void check_has(const char *hay, const char *needle, bool want, const char *file, int line)
{
    if ((strstr(hay, needle) != NULL) != want)
        fail_msg("%s:%d: %s \"%s\" in:\n%s", file, line, want ? "missing" : "unexpected", needle, hay);
}
#define assert_has(hay, needle) check_has((hay), (needle), true, __FILE__, __LINE__)
#define assert_hasnt(hay, needle) check_has((hay), (needle), false, __FILE__, __LINE__)

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* ======================================================================
 * Blocks
 * ==================================================================== */

static void test_paragraphs(void **state)
{
    assert_string_equal(md(state, "one\ntwo\n\nthree"), "<p>one\ntwo</p>\n<p>three</p>\n");
    assert_string_equal(md(state, "hard  \nbreak"), "<p>hard<br>\nbreak</p>\n");
    assert_string_equal(md(state, ""), "");
    assert_string_equal(md(state, "> quoted\n\n---"), "<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr>\n");
}

static void test_headings_shifted(void **state)
{
    assert_string_equal(md(state, "# A\n## B\n##### E\n###### F"),
                        "<h2>A</h2>\n<h3>B</h3>\n<h6>E</h6>\n<h6>F</h6>\n");
    assert_string_equal(md(state, "Setext\n======"), "<h2>Setext</h2>\n");
    assert_hasnt(md(state, "# one\n\nSetext\n==="), "<h1");
}

static void test_lists(void **state)
{
    assert_string_equal(md(state, "- a\n- b"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
    assert_string_equal(md(state, "1. a\n2. b"), "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n");
    assert_string_equal(md(state, "3. a\n4. b"), "<ol start=\"3\">\n<li>a</li>\n<li>b</li>\n</ol>\n");
    assert_has(md(state, "0. zero"), "<ol start=\"0\">");
    /* A loose list keeps its paragraphs. */
    assert_string_equal(md(state, "- a\n\n- b"), "<ul>\n<li><p>a</p>\n</li>\n<li><p>b</p>\n</li>\n</ul>\n");
    assert_string_equal(md(state, "- a\n  - b"), "<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n");
}

static void test_task_lists(void **state)
{
    assert_string_equal(md(state, "- [ ] todo\n- [x] done\n- [X] also"),
                        "<ul>\n"
                        "<li class=\"task\"><input type=\"checkbox\" disabled> todo</li>\n"
                        "<li class=\"task\"><input type=\"checkbox\" disabled checked> done</li>\n"
                        "<li class=\"task\"><input type=\"checkbox\" disabled checked> also</li>\n"
                        "</ul>\n");
    assert_string_equal(text(state, "- [x] done", 0), "done");
}

static void test_code_blocks(void **state)
{
    assert_string_equal(md(state, "```c\nint a < b && c;\n```"),
                        "<pre><code class=\"language-c\">int a &lt; b &amp;&amp; c;\n</code></pre>\n");
    assert_string_equal(md(state, "```\nplain\n```"), "<pre><code>plain\n</code></pre>\n");
    assert_string_equal(md(state, "    indented <b>\n"), "<pre><code>indented &lt;b&gt;\n</code></pre>\n");
    assert_has(md(state, "```c++\nx\n```"), "<code class=\"language-c++\">");
    assert_has(md(state, "```objective-c\nx\n```"), "<code class=\"language-objective-c\">");
    assert_has(md(state, "```x_1 extra words\nx\n```"), "<code class=\"language-x_1\">");
    /* Hostile or odd languages: no class at all. */
    static const char *const bad[] = {
        "```\"><script>alert(1)</script>\nx\n```",
        "```a&quot;b\nx\n```",
        "```a\"onmouseover=\"x\nx\n```",
        "```java.script\nx\n```",
        "```" "abcdefghijklmnopqrstuvwxyz0123456" "\nx\n```",    /* 33 characters */
        "```\xc3\xa9t\xc3\xa9\nx\n```",
        "~~~a&b\nx\n~~~",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        const char *h = md(state, bad[i]);
        assert_has(h, "<pre><code>");
        assert_hasnt(h, "class=");
        assert_hasnt(h, "<script");
    }
    assert_has(md(state, "```" "abcdefghijklmnopqrstuvwxyz012345" "\nx\n```"),
               "class=\"language-abcdefghijklmnopqrstuvwxyz012345\"");
}

static void test_tables(void **state)
{
    assert_string_equal(md(state, "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | *2* | 3 | <4> |"),
                        "<table>\n<thead>\n"
                        "<tr><th class=\"md-align-left\">a</th><th class=\"md-align-center\">b</th>"
                        "<th class=\"md-align-right\">c</th><th>d</th></tr>\n"
                        "</thead>\n<tbody>\n"
                        "<tr><td class=\"md-align-left\">1</td><td class=\"md-align-center\"><em>2</em></td>"
                        "<td class=\"md-align-right\">3</td><td>&lt;4&gt;</td></tr>\n"
                        "</tbody>\n</table>\n");
    assert_hasnt(md(state, "| a |\n|:-:|\n| b |"), "style=");
}

/* ======================================================================
 * Spans and text
 * ==================================================================== */

static void test_emphasis(void **state)
{
    assert_string_equal(md(state, "*em* _em_ **strong** ~~del~~ `a<b`"),
                        "<p><em>em</em> <em>em</em> <strong>strong</strong> <del>del</del> "
                        "<code>a&lt;b</code></p>\n");
    assert_string_equal(md(state, "***both***"), "<p><em><strong>both</strong></em></p>\n");
}

static void test_text_escaped(void **state)
{
    assert_string_equal(md(state, "a & b < c > d \" e ' f"),
                        "<p>a &amp; b &lt; c &gt; d &quot; e &#39; f</p>\n");
}

static void test_entities(void **state)
{
    assert_string_equal(md(state, "&copy; &eacute; &amp; &lt;b&gt; &#60;i&#x3E; &quot;"),
                        "<p>\xc2\xa9 \xc3\xa9 &amp; &lt;b&gt; &lt;i&gt; &quot;</p>\n");
    /* NUL, surrogates and values past Unicode become U+FFFD; so do controls. */
    assert_string_equal(md(state, "&#0;&#xD800;&#x110000;&#1;"),
                        "<p>\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd</p>\n");
    /* A named entity we do not resolve is left to the browser. */
    assert_string_equal(md(state, "&hearts; &Zfr;"), "<p>&hearts; &Zfr;</p>\n");
    /* Not an entity: escaped. */
    assert_string_equal(md(state, "&#xZZ; &;"), "<p>&amp;#xZZ; &amp;;</p>\n");
}

static void test_raw_html_escaped(void **state)
{
    const char *h = md(state, "<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> and "
                              "<a href=\"javascript:x\">a</a> <!-- c --> <div onclick=\"x\">");
    assert_has(h, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_has(h, "&lt;img src=x onerror=alert(1)&gt;");
    assert_has(h, "&lt;a href=&quot;javascript:x&quot;&gt;a&lt;/a&gt;");
    assert_has(h, "&lt;!-- c --&gt;");
    assert_hasnt(h, "<script");
    assert_hasnt(h, "<img");
    assert_hasnt(h, "<a");
    assert_hasnt(h, "<div");
    assert_hasnt(h, "<!--");
    assert_has(md(state, "<details><summary>x</summary></details>"), "<p>&lt;details&gt;");
}

/* ======================================================================
 * Links and images
 * ==================================================================== */

static void test_links_allowed(void **state)
{
    assert_string_equal(md(state, "[a](https://example.com/x?y=1&z=2)"),
                        "<p><a href=\"https://example.com/x?y=1&amp;z=2\" rel=\"nofollow noopener ugc\">a</a></p>\n");
    static const char *const ok[][2] = {
        {"[a](http://example.com)", "href=\"http://example.com\""},
        {"[a](HTTPS://EXAMPLE.COM)", "href=\"HTTPS://EXAMPLE.COM\""},
        {"[a](mailto:someone@example.com)", "href=\"mailto:someone@example.com\""},
        {"[a](/courses/12)", "href=\"/courses/12\""},
        {"[a](#part-2)", "href=\"#part-2\""},
        {"[a](?page=2)", "href=\"?page=2\""},
        {"[a](unit-3.html)", "href=\"unit-3.html\""},
        {"[a](a/b:c)", "href=\"a/b:c\""},                   /* ':' after '/': a path */
        {"[a](javascript%3Aalert(1))", "href=\"javascript%3Aalert(1)\""},   /* a path too */
        /* Protocol-relative: takes the page's scheme, http or https. */
        {"[a](//cdn.example.com/x)", "href=\"//cdn.example.com/x\""},
        {"[a](<http://example.com/a b>)", "href=\"http://example.com/a b\""},
        {"[a](&#104;ttp://example.com)", "href=\"http://example.com\""},
        {"[a][r]\n\n[r]: https://example.com/ref", "href=\"https://example.com/ref\""},
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(ok); i++) {
        const char *h = md(state, ok[i][0]);
        assert_has(h, ok[i][1]);
        assert_has(h, "rel=\"nofollow noopener ugc\">a</a>");
    }
}

static void test_links_refused(void **state)
{
    static const char *const bad[] = {
        "[a](javascript:alert(1))",
        "[a](JaVaScRiPt:alert(1))",
        "[a]( javascript:alert(1))",
        "[a](<  javascript:alert(1)>)",
        "[a](&#32;javascript:alert(1))",
        "[a](<\x01javascript:alert(1)>)",
        "[a](java&#x09;script:alert(1))",
        "[a](java&#10;script:alert(1))",
        "[a](&#106;avascript:alert(1))",
        "[a](&#x6A;avascript&#58;alert(1))",
        "[a](javascript&colon;alert(1))",          /* an entity we do not know */
        "[a](%6Aavascript:alert(1))",
        "[a](vbscript:msgbox(1))",
        "[a](data:text/html,<script>alert(1)</script>)",
        "[a](data:text/html;base64,PHNjcmlwdD4=)",
        "[a](file:///etc/passwd)",
        "[a](\xc2\xa0javascript:alert(1))",
        "[a](java\xffscript:alert(1))",
        "[a][r]\n\n[r]: javascript:alert(1)",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        const char *h = md(state, bad[i]);
        assert_hasnt(h, "<a");
        assert_hasnt(h, "href");
        assert_has(h, "<p>a</p>");      /* the text stays */
    }
    /* CommonMark autolinks accept any scheme; ours do not. */
    const char *h = md(state, "<javascript:alert(1)> <data:text/html,x>");
    assert_hasnt(h, "<a");
    assert_has(h, "javascript:alert(1)");
}

static void test_link_titles(void **state)
{
    assert_string_equal(md(state, "[a](/x \"say \\\"hi\\\" & 'bye' <b>\")"),
                        "<p><a href=\"/x\" rel=\"nofollow noopener ugc\" "
                        "title=\"say &quot;hi&quot; &amp; &#39;bye&#39; &lt;b&gt;\">a</a></p>\n");
    assert_has(md(state, "[a](/x 'it&quot;s')"), "title=\"it&quot;s\"");
    assert_has(md(state, "[a](/x (\"onmouseover=alert\\(1\\)))"), "title=\"&quot;onmouseover=alert(1)\"");
}

static void test_autolinks(void **state)
{
    assert_string_equal(md(state, "see https://example.com/a?b=c&d=e now"),
                        "<p>see <a href=\"https://example.com/a?b=c&amp;d=e\" rel=\"nofollow noopener ugc\">"
                        "https://example.com/a?b=c&amp;d=e</a> now</p>\n");
    assert_has(md(state, "www.example.com"),
               "<a href=\"http://www.example.com\" rel=\"nofollow noopener ugc\">www.example.com</a>");
    assert_has(md(state, "<https://example.com>"), "<a href=\"https://example.com\"");
    assert_has(md(state, "mail someone@example.com"), "<a href=\"mailto:someone@example.com\"");
    /* A bare URL in a link's text does not nest a second <a>. */
    const char *h = md(state, "[see www.example.com](/x)");
    assert_int_equal(count_of(h, "<a "), 1);
    assert_int_equal(count_of(h, "</a>"), 1);
}

static void test_images(void **state)
{
    assert_string_equal(md(state, "![A *fine* \"cat\"](/img/cat.png \"The cat\")"),
                        "<p><img src=\"/img/cat.png\" title=\"The cat\" alt=\"A fine &quot;cat&quot;\" "
                        "loading=\"lazy\"></p>\n");
    assert_has(md(state, "![x](https://example.com/a.png)"), "<img src=\"https://example.com/a.png\" alt=\"x\"");
    /* Nested images and links in the description are flattened into alt. */
    assert_has(md(state, "![a ![b](/b.png) [c](/c) `d`](/a.png)"), "alt=\"a b c d\"");
    /* An image in a link. */
    assert_string_equal(md(state, "[![logo](/l.png)](https://example.com)"),
                        "<p><a href=\"https://example.com\" rel=\"nofollow noopener ugc\">"
                        "<img src=\"/l.png\" alt=\"logo\" loading=\"lazy\"></a></p>\n");
    static const char *const bad[] = {
        "![desc <b>](data:image/svg+xml;base64,PHN2Zz4=)",
        "![desc <b>](<data:image/svg+xml,&lt;svg onload=alert(1)&gt;>)",
        "![desc <b>](data:image/png;base64,iVBORw0KGgo=)",
        "![desc <b>](javascript:alert(1))",
        "![desc <b>](mailto:a@example.com)",
        "![desc <b>](&#100;ata:image/png,x)",
    };
    for (size_t i = 0; i < LN_ARRAY_LEN(bad); i++) {
        const char *h = md(state, bad[i]);
        assert_hasnt(h, "<img");
        assert_has(h, "<p>desc &lt;b&gt;</p>");     /* the description stays, as text */
    }
}

/* ======================================================================
 * Robustness
 * ==================================================================== */

static void test_invalid_utf8(void **state)
{
    assert_string_equal(md_n(state, LIT("a\xff" "b \xc3 \xed\xa0\x80 \xc0\xaf \xc3\xa9")),
                        "<p>a\xef\xbf\xbd" "b \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
                        "\xef\xbf\xbd\xef\xbf\xbd \xc3\xa9</p>\n");
    /* NUL and control bytes become U+FFFD. */
    assert_string_equal(md_n(state, LIT("a\0b\x01" "c")),
                        "<p>a\xef\xbf\xbd" "b\xef\xbf\xbd" "c</p>\n");
    /* In attributes too. */
    const char *h = md_n(state, LIT("![a\xff](/x \"t\xfe\") [b](/\xff)"));
    assert_has(h, "alt=\"a\xef\xbf\xbd\"");
    assert_has(h, "title=\"t\xef\xbf\xbd\"");
    assert_hasnt(h, "href");
    /* Every byte value, in every position md4c cares about. */
    char all[1024];
    for (size_t i = 0; i < sizeof all; i++) all[i] = (char)(i * 7 + (i >> 8));
    md_n(state, all, sizeof all);
}

static void test_deep_nesting(void **state)
{
    enum { N = 20000 };
    char *src = malloc(N * 2 + 16);
    assert_non_null(src);
    /* blockquotes */
    memset(src, '>', N);
    strcpy(src + N, " deep");
    const char *h = md(state, src);
    assert_int_equal(count_of(h, "<blockquote>"), count_of(h, "</blockquote>"));
    /* links and images within one another */
    for (size_t i = 0; i < N; i++) src[i] = i % 2 ? '[' : '!';
    memset(src + N, ']', N);
    src[2 * N] = 0;
    h = md(state, src);
    assert_int_equal(count_of(h, "<a "), count_of(h, "</a>"));
    /* emphasis */
    memset(src, '*', N);
    strcpy(src + N, "x");
    memset(src + N + 1, '*', N);
    src[2 * N + 1] = 0;
    h = md(state, src);
    assert_int_equal(count_of(h, "<em>"), count_of(h, "</em>"));
    assert_int_equal(count_of(h, "<strong>"), count_of(h, "</strong>"));
    free(src);
}

/* md4c does not always pair enter and leave (mity/md4c#278, #294): here
 * it eats the second '*' and ends an <em> it never started.  The HTML stays
 * well-formed all the same. */
static void test_unpaired_md4c_calls(void **state)
{
    assert_string_equal(md(state, "[ok](http://a*b) c*d"),
                        "<p><a href=\"http://a*b\" rel=\"nofollow noopener ugc\">ok</a> cd</p>\n");
    assert_string_equal(md(state, "[ok](/a~b) https://c~d"),
                        "<p><a href=\"/a~b\" rel=\"nofollow noopener ugc\">ok</a> https://cd</p>\n");
    static const char *const odd[] = {"_[](_) x", "_[](<_>) x", "[_][_]", "[a](/x*y)\n*b* c*d\n**e**",
                                      "![a*](/i*.png) b*"};
    for (size_t i = 0; i < LN_ARRAY_LEN(odd); i++) {
        const char *h = md(state, odd[i]);
        assert_int_equal(count_of(h, "<em>"), count_of(h, "</em>"));
        assert_int_equal(count_of(h, "<del>"), count_of(h, "</del>"));
        assert_int_equal(count_of(h, "<strong>"), count_of(h, "</strong>"));
        assert_int_equal(count_of(h, "<a "), count_of(h, "</a>"));
    }
}

/* Past 256 open elements, text is kept and tags are not; what follows
 * is rendered as usual. */
static void test_depth_limit(void **state)
{
    char src[2400];
    memset(src, '>', 300);
    strcpy(src + 300, " deep *em*\n\nnext");
    const char *h = md(state, src);
    assert_int_equal(count_of(h, "<blockquote>"), 255);     /* the document is the first */
    assert_int_equal(count_of(h, "</blockquote>"), 255);
    assert_has(h, "deep em");
    assert_has(h, "</blockquote>\n<p>next</p>\n");
    /* 300 nested emphases, "*a _a *a ... x ... a* a_ a*": 254 fit, with the
     * document and the paragraph. */
    size_t n = 0;
    for (int i = 0; i < 300; i++) n += (size_t)sprintf(src + n, "%ca ", i % 2 ? '_' : '*');
    src[n++] = 'x';
    for (int i = 299; i >= 0; i--) n += (size_t)sprintf(src + n, " a%c", i % 2 ? '_' : '*');
    strcpy(src + n, "\n\nnext *em*");
    h = md(state, src);
    assert_int_equal(count_of(h, "<p>"), 2);
    assert_int_equal(count_of(h, "</p>"), 2);
    assert_int_equal(count_of(h, "<em>"), 254 + 1);
    assert_int_equal(count_of(h, "</em>"), 254 + 1);
    assert_has(h, "</p>\n<p>next <em>em</em></p>\n");
}

/* md4c 0.4.8 reads the byte after its input, and given "[a](/x" out of
 * "[a](/x)" it took the ')' and crashed.  Only `len` bytes count. */
static void test_only_len_bytes(void **state)
{
    const char *s = "[a](/x) [b](/y)";
    assert_string_equal(md_n(state, s, 6), "<p>[a](/x</p>\n");
    assert_string_equal(md_n(state, s, 14), "<p><a href=\"/x\" rel=\"nofollow noopener ugc\">a</a> [b](/y</p>\n");
    assert_string_equal(text_n(state, s, 6, 0), "[a](/x");
    /* Exactly `len` bytes on the heap: AddressSanitizer sees any read past. */
    char *e = malloc(5);
    assert_non_null(e);
    memcpy(e, "![](/", 5);
    assert_string_equal(md_n(state, e, 5), "<p>![](/</p>\n");
    assert_string_equal(text_n(state, e, 5, 0), "![](/");
    free(e);
}

static void test_render_appends_and_limit(void **state)
{
    Buf b;
    buf_init(&b, 64);
    buf_puts(&b, "<div>");
    assert_int_equal(markdown_render(&b, LIT("*a*")), LN_OK);
    assert_string_equal(buf_cstr(&b), "<div><p><em>a</em></p>\n");
    /* Past the ceiling: an error, and nothing half-written is left. */
    assert_int_equal(markdown_render(&b, LIT("a long paragraph that does not fit in what is left")), LN_ELIMIT);
    assert_string_equal(buf_cstr(&b), "<div><p><em>a</em></p>\n");
    assert_true(b.over);
    buf_free(&b);
    LN_UNUSED(state);
}

/* ======================================================================
 * Plain text
 * ==================================================================== */

static void test_text_content(void **state)
{
    assert_string_equal(text(state,
                             "# Title\n\nSome *bold*text with [a link](http://x.example) and "
                             "![an image](/i.png).\n\n```\ncode  <b>\n```\n\n- one\n- two\n\n"
                             "| a | b |\n|---|---|\n| 1 | 2 |\n\n&copy; &hearts; &#60;",
                             0),
                        "Title Some boldtext with a link and an image. code <b> one two a b 1 2 \xc2\xa9 &hearts; <");
    assert_string_equal(text(state, "  \n\n  spaced \t out\n\n\n  ", 0), "spaced out");
    assert_string_equal(text(state, "line  \nbreak &nbsp;&nbsp; x", 0), "line break x");
    assert_string_equal(text(state, "<script>alert(1)</script>", 0), "<script>alert(1)</script>");
    assert_string_equal(text(state, "", 10), "");
}

static void test_text_truncate(void **state)
{
    const char *s = "\xc3\x89lodie d\xc3\xa9j\xc3\xa0 vu \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80!";
    assert_string_equal(text(state, s, 1), "\xc3\x89");
    assert_string_equal(text(state, s, 3), "\xc3\x89lo");
    assert_string_equal(text(state, s, 6), "\xc3\x89lodie");
    assert_string_equal(text(state, s, 7), "\xc3\x89lodie");     /* no trailing space */
    assert_string_equal(text(state, s, 8), "\xc3\x89lodie d");
    assert_string_equal(text(state, s, 16), "\xc3\x89lodie d\xc3\xa9j\xc3\xa0 vu \xe6\x97\xa5");
    assert_string_equal(text(state, s, 19), "\xc3\x89lodie d\xc3\xa9j\xc3\xa0 vu \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
    assert_string_equal(text(state, s, 100), text(state, s, 0));
    for (size_t max = 1; max < 25; max++) text(state, s, max);   /* valid UTF-8, at most max */
}

static void test_text_appends_and_invalid(void **state)
{
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "x:");
    markdown_to_text(&b, LIT("*a*"), 0);
    assert_string_equal(buf_cstr(&b), "x:a");
    buf_free(&b);
    assert_string_equal(text_n(state, LIT("a\xff\0b \xe6\x97"), 0), "a\xef\xbf\xbd\xef\xbf\xbd" "b \xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(text_n(state, LIT("a\xff\xfe\xfd"), 2), "a\xef\xbf\xbd");
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_paragraphs),
        T(test_headings_shifted),
        T(test_lists),
        T(test_task_lists),
        T(test_code_blocks),
        T(test_tables),
        T(test_emphasis),
        T(test_text_escaped),
        T(test_entities),
        T(test_raw_html_escaped),
        T(test_links_allowed),
        T(test_links_refused),
        T(test_link_titles),
        T(test_autolinks),
        T(test_images),
        T(test_invalid_utf8),
        T(test_deep_nesting),
        T(test_unpaired_md4c_calls),
        T(test_depth_limit),
        T(test_only_len_bytes),
        T(test_render_appends_and_limit),
        T(test_text_content),
        T(test_text_truncate),
        T(test_text_appends_and_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
