/* author_page.c — writing a quiz's questions one by one in plain forms (no
 * JavaScript needed): the list of questions on the quiz unit's page with
 * edit, move up/down and remove, and one editor page per question whose
 * fields follow the question's type.  The rules are in author.c; the same
 * item goes through item_check whether it comes from this form, the JSON
 * API or (for its shape) GIFT.
 *
 * Numbers are typed as people write them: points "1.5", credit in percent
 * "33.3" (or "-25"), numeric answers "3.14" or "3,14".  A row left empty is
 * no answer; "More answer rows" adds five without saving.
 */
#include "assess/author.h"
#include "assess/gift.h"
#include "assess/pages.h"
#include "http/access.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdio.h>
#include <string.h>

#define EXTRA_ROWS 3
#define MORE_ROWS 5

static char *base_url(Req *r, const Course *c, const Unit *u)
{
    return arena_printf(r->arena, "/o/%s/courses/%lld/units/%lld", r->org->slug, (long long)c->id, (long long)u->id);
}

/* ---- numbers as typed -------------------------------------------------------- */

/* A decimal ("-3.25", "3,25") into millionths; false when not exactly a number. */
static bool decimal_in(Arena *a, const char *s, int64_t *out)
{
    while (*s == ' ') s++;
    char *t = arena_strdup(a, s);
    size_t n = strlen(t);
    while (n && t[n - 1] == ' ') t[--n] = 0;
    for (char *p = t; *p; p++)
        if (*p == ',') *p = '.';
    return n && gift_millionths(t, n, out) == (long)n;
}

/* `v` in units of 10^-scale as the shortest decimal ("1.5", "-0.25", "3"). */
static char *decimal_out(Arena *a, int64_t v, int scale)
{
    bool neg = v < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t div = 1;
    for (int i = 0; i < scale; i++) div *= 10;
    char frac[24] = "";
    uint64_t f = u % div;
    if (f) {
        snprintf(frac, sizeof frac, ".%0*llu", scale, (unsigned long long)f);
        size_t k = strlen(frac);
        while (frac[k - 1] == '0') frac[--k] = 0;
    }
    return arena_printf(a, "%s%llu%s", neg ? "-" : "", (unsigned long long)(u / div), frac);
}

/* millionths → thousandths (points), percent-millionths → thousandths (weights), rounded half away from zero */
static int64_t rescale(int64_t v, int64_t by)
{
    return v >= 0 ? (v + by / 2) / by : -((-v + by / 2) / by);
}

/* ---- the editor's state ------------------------------------------------------- */

typedef struct Editor {
    Item it;
    int rows;                       /* answer rows shown */
    int64_t qid;                    /* 0: a new question */
    const char *field, *error;      /* refused: which field, and why (translated) */
} Editor;

static const char *cell(Req *r, const char *name, int i)
{
    const char *v = req_form(r, arena_printf(r->arena, "c%d_%s", i, name));
    return v ? v : "";
}

static bool empty(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') return false;
    return true;
}

static bool uses_rows(ItemType t)
{
    return t != ITEM_TRUEFALSE && t != ITEM_ESSAY && t != ITEM_DESCRIPTION;
}

/* Answer row `i` of the form into choice `c`, shown again as row `k`; false
 * with ed->field/error (the first error only). */
static bool row_in(Req *r, Editor *ed, int i, int k, Choice *c)
{
    ItemType t = ed->it.type;
    const char *w = cell(r, "weight", i), *field = NULL;
    int64_t v;
    memset(c, 0, sizeof *c);
    c->text = arena_strdup(r->arena, cell(r, "text", i));
    if (*cell(r, "feedback", i)) c->feedback = arena_strdup(r->arena, cell(r, "feedback", i));
    if (t == ITEM_MATCHING) {
        c->match = arena_strdup(r->arena, cell(r, "match", i));
        c->weight = 1000;
    } else if (t == ITEM_ORDERING) c->weight = 0;
    else if (empty(w)) c->weight = t == ITEM_SINGLE || t == ITEM_MULTIPLE ? 0 : 1000;
    else if (!decimal_in(r->arena, w, &v) || (v = rescale(v, 100000)) < -1000 || v > 1000) field = "weight";
    else c->weight = (int)v;
    bool num = t == ITEM_NUMERIC;
    if (t == ITEM_CLOZE) {
        const char *kind = cell(r, "kind", i);
        c->gap_type = str_eq(kind, "numeric") ? ITEM_NUMERIC : str_eq(kind, "single") ? ITEM_SINGLE : ITEM_SHORT;
        num = c->gap_type == ITEM_NUMERIC;
        int64_t g;
        if (!str_to_i64(cell(r, "gap", i), &g) || g < 1 || g > GIFT_MAX_CHOICES) field = "gap";
        else c->gap = (int)g - 1;
    }
    if (num) {
        const char *mn = cell(r, "min", i), *mx = cell(r, "max", i), *tol = cell(r, "tol", i);
        const char *val = t == ITEM_CLOZE ? c->text : cell(r, "value", i);
        if (!empty(mn) || !empty(mx)) {
            c->num_is_range = true;
            if (!decimal_in(r->arena, mn, &c->num_min)) field = field ? field : "min";
            if (!decimal_in(r->arena, mx, &c->num_max)) field = field ? field : "max";
        } else {
            if (!decimal_in(r->arena, val, &c->num_value)) field = field ? field : t == ITEM_CLOZE ? "text" : "value";
            if (!empty(tol) && !decimal_in(r->arena, tol, &c->num_tolerance)) field = field ? field : "tol";
        }
        if (t == ITEM_NUMERIC) c->text = NULL;
    }
    if (field && !ed->field) {
        ed->field = arena_printf(r->arena, "c%d_%s", k, field);
        ed->error = T(r, "Give a number here.");
        if (str_eq(field, "weight")) ed->error = T(r, "Give a credit between -100 and 100 %.");
        if (str_eq(field, "gap")) ed->error = T(r, "Give the number of the blank (1, 2, ...).");
    }
    return !field;
}

static bool row_empty(Req *r, int i)
{
    static const char *const names[] = {"text", "match", "feedback", "value", "tol", "min", "max"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (!empty(cell(r, names[k], i))) return false;
    return true;
}

/* The whole form into ed->it; false with ed->field/error when a field is
 * malformed (item_check runs afterwards). */
static bool editor_in(Req *r, Editor *ed)
{
    Item *it = &ed->it;
    const char *v;
    it->title = (v = req_form(r, "title")) && !empty(v) ? arena_strdup(r->arena, v) : NULL;
    it->text = arena_strdup(r->arena, (v = req_form(r, "text")) ? v : "");
    it->text_format = arena_strdup(r->arena, (v = req_form(r, "text_format")) && *v ? v : "markdown");
    if (!str_eq(it->text_format, "markdown") && !str_eq(it->text_format, "plain") && !str_eq(it->text_format, "moodle")
        && !str_eq(it->text_format, "html"))
        it->text_format = "markdown";
    it->general_feedback = (v = req_form(r, "general_feedback")) && !empty(v) ? arena_strdup(r->arena, v) : NULL;
    it->category = (v = req_form(r, "category")) && !empty(v) ? arena_strdup(r->arena, v) : NULL;
    it->shuffle = str_eq(req_form(r, "shuffle"), "1");
    v = req_form(r, "text_match");
    it->text_match = str_eq(v, "nocase") ? TEXT_NOCASE : str_eq(v, "pattern") ? TEXT_PATTERN : TEXT_EXACT;
    int64_t pts;
    v = req_form(r, "points");
    if (it->type == ITEM_DESCRIPTION) it->points = 0;
    else if (!v || !decimal_in(r->arena, v, &pts) || (pts = rescale(pts, 1000)) < 0 || pts > 1000000) {
        ed->field = "points";
        ed->error = T(r, "Points must be between 0 and 1000.");
        return false;
    } else it->points = (int)pts;
    if (it->type == ITEM_TRUEFALSE) {
        bool truth = str_eq(req_form(r, "truth"), "true");
        it->nchoices = 2;
        it->choices = arena_alloc(r->arena, sizeof(Choice) * 2);
        it->choices[0] = (Choice){.text = "true", .weight = truth ? 1000 : 0};
        it->choices[1] = (Choice){.text = "false", .weight = truth ? 0 : 1000};
        for (int k = 0; k < 2; k++)
            if (!empty(cell(r, "feedback", k))) it->choices[k].feedback = arena_strdup(r->arena, cell(r, "feedback", k));
        return true;
    }
    int64_t rows = 0;
    if (!str_to_i64(req_form(r, "rows"), &rows) || rows < 0) rows = 0;
    if (rows > GIFT_MAX_CHOICES) rows = GIFT_MAX_CHOICES;
    ed->rows = (int)rows;
    it->choices = arena_alloc(r->arena, sizeof(Choice) * (size_t)(rows + 1));
    it->nchoices = 0;
    it->ngaps = 0;
    if (!uses_rows(it->type)) return true;
    bool ok = true;     /* every row is read, so that all of them show again after an error */
    for (int i = 0; i < rows; i++) {
        if (row_empty(r, i)) continue;
        Choice *c = &it->choices[it->nchoices];
        ok &= row_in(r, ed, i, it->nchoices, c);
        if (it->type == ITEM_CLOZE && c->gap + 1 > it->ngaps) it->ngaps = c->gap + 1;
        it->nchoices++;
    }
    return ok;
}

/* ---- rendering ------------------------------------------------------------------- */

static const char *type_name_label(Req *r, ItemType t)
{
    switch (t) {
    case ITEM_SINGLE: return T(r, "One choice");
    case ITEM_MULTIPLE: return T(r, "Several choices");
    case ITEM_TRUEFALSE: return T(r, "True or false");
    case ITEM_NUMERIC: return T(r, "Number");
    case ITEM_SHORT: return T(r, "Short answer");
    case ITEM_MATCHING: return T(r, "Matching");
    case ITEM_ORDERING: return T(r, "Ordering");
    case ITEM_CLOZE: return T(r, "Fill in the blanks");
    case ITEM_ESSAY: return T(r, "Essay");
    default: return T(r, "Text only");
    }
}

static const char *err_for(const Editor *ed, const char *name)
{
    return ed->field && str_eq(ed->field, name) ? ed->error : NULL;
}

/* A labelled input in a flexible row cell (class "wide" for texts). */
static void cell_input(Req *r, const Editor *ed, int i, const char *name, const char *label, const char *value,
                       bool wide)
{
    const char *full = arena_printf(r->arena, "c%d_%s", i, name);
    hprintf(r, "<div class=\"%s\">", wide ? "wide" : "narrow");
    form_input(r, "text", full, label, value ? value : "", err_for(ed, full), "");
    html_lit(r, "</div>");
}

static void textarea(Req *r, const Editor *ed, const char *name, const char *label, const char *value, int rows,
                     const char *hint)
{
    const char *e = err_for(ed, name);
    hprintf(r, "<div class=\"field%s\"><label for=\"f-%s\">%s</label>", e ? " has-error" : "", name, label);
    if (hint) hprintf(r, "<p class=\"muted\" id=\"h-%s\">%s</p>", name, hint);
    hprintf(r, "<textarea id=\"f-%s\" name=\"%s\" rows=\"%d\"%s>%s</textarea>", name, name, rows,
            e ? " aria-invalid=\"true\"" : "", value ? value : "");
    if (e) hprintf(r, "<p class=\"field-error\">%s</p>", e);
    html_lit(r, "</div>");
}

static const char *weight_text(Req *r, const Choice *c)
{
    return decimal_out(r->arena, c->weight, 1);        /* thousandths = tenths of a percent */
}

static void answer_row(Req *r, const Editor *ed, int i, const Choice *c)
{
    ItemType t = ed->it.type;
    hprintf(r, "<fieldset class=\"author-choice\"><legend>%s %d</legend><div class=\"author-row\">",
            t == ITEM_MATCHING ? T(r, "Pair") : T(r, "Answer"), i + 1);
    bool num = t == ITEM_NUMERIC || (t == ITEM_CLOZE && c && c->gap_type == ITEM_NUMERIC);
    if (t == ITEM_CLOZE) {
        cell_input(r, ed, i, "gap", T(r, "Blank no."), c ? arena_printf(r->arena, "%d", c->gap + 1) : "", false);
        const char *kname = arena_printf(r->arena, "c%d_kind", i);
        ItemType k = c && c->gap_type ? c->gap_type : ITEM_SHORT;
        hprintf(r, "<div class=\"narrow\"><div class=\"field\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">"
                   "<option value=\"short\"%s>%s</option><option value=\"numeric\"%s>%s</option>"
                   "<option value=\"single\"%s>%s</option></select></div></div>", kname, T(r, "Kind"), kname, kname,
                k == ITEM_SHORT ? " selected" : "", T(r, "Text"), k == ITEM_NUMERIC ? " selected" : "", T(r, "Number"),
                k == ITEM_SINGLE ? " selected" : "", T(r, "Choice in a list"));
    }
    if (t == ITEM_NUMERIC) {
        bool range = c && c->num_is_range;
        cell_input(r, ed, i, "value", T(r, "Value"), c && !range ? decimal_out(r->arena, c->num_value, 6) : "", false);
        cell_input(r, ed, i, "tol", T(r, "± tolerance"), c && !range && c->num_tolerance
                   ? decimal_out(r->arena, c->num_tolerance, 6) : "", false);
        cell_input(r, ed, i, "min", T(r, "or from"), range ? decimal_out(r->arena, c->num_min, 6) : "", false);
        cell_input(r, ed, i, "max", T(r, "to"), range ? decimal_out(r->arena, c->num_max, 6) : "", false);
    } else {
        const char *text = c ? c->text : "";
        if (t == ITEM_CLOZE && num && c) text = decimal_out(r->arena, c->num_value, 6);
        cell_input(r, ed, i, "text", t == ITEM_MATCHING ? T(r, "Left (empty: a distractor)") : T(r, "Text"), text, true);
        if (t == ITEM_CLOZE)
            cell_input(r, ed, i, "tol", T(r, "± tolerance (numbers)"), num && c->num_tolerance
                       ? decimal_out(r->arena, c->num_tolerance, 6) : "", false);
    }
    if (t == ITEM_MATCHING) cell_input(r, ed, i, "match", T(r, "Right"), c ? c->match : "", true);
    if (t != ITEM_MATCHING && t != ITEM_ORDERING) {
        cell_input(r, ed, i, "weight", T(r, "Credit %"), c ? weight_text(r, c) : "", false);
        cell_input(r, ed, i, "feedback", T(r, "Feedback"), c ? c->feedback : "", true);
    }
    html_lit(r, "</div></fieldset>");
}

static const char *rows_hint(Req *r, ItemType t)
{
    switch (t) {
    case ITEM_SINGLE: return T(r, "Give the right answer a credit of 100 %; the others 0 % (empty) or less.");
    case ITEM_MULTIPLE: return T(r, "Right answers share 100 % of credit (e.g. 50 and 50); wrong ones may take it back "
                                     "(e.g. -50). The score never goes below 0.");
    case ITEM_NUMERIC: return T(r, "A value with an optional tolerance, or a range from–to. Empty credit: 100 %.");
    case ITEM_SHORT: return T(r, "Accepted answers. Empty credit: 100 %.");
    case ITEM_MATCHING: return T(r, "Each left side with its right side; learners see the right sides mixed.");
    case ITEM_ORDERING: return T(r, "The items in the right order; learners see them mixed.");
    case ITEM_CLOZE: return T(r, "Mark each blank in the question as {#1}, {#2}… Each answer row belongs to a blank. "
                                  "Empty credit: 100 %.");
    default: return NULL;
    }
}

static void editor_render(Req *r, int status, const Course *c, const Unit *u, const Editor *ed)
{
    const Item *it = &ed->it;
    char *base = base_url(r, c, u);
    r->status = status;
    const char *title = ed->qid ? T(r, "Edit the question") : T(r, "New question");
    page_begin(r, arena_printf(r->arena, "%s — %s", title, u->title));
    hprintf(r, "<p class=\"muted\"><a href=\"%s#quiz-items\">← %s</a></p><h1>%s <span class=\"muted\">· %s</span></h1>\n",
            base, u->title, title, type_name_label(r, it->type));
    if (ed->error) hprintf(r, "<p class=\"alert\" role=\"alert\">%s</p>", ed->error);
    form_begin(r, ed->qid ? arena_printf(r->arena, "%s/quiz/items/%lld", base, (long long)ed->qid)
                          : arena_printf(r->arena, "%s/quiz/items", base));
    hprintf(r, "<input type=\"hidden\" name=\"type\" value=\"%s\"><section class=\"card author\">",
            item_type_name(it->type));
    form_input(r, "text", "title", T(r, "Title (optional)"), it->title ? it->title : "", err_for(ed, "title"), "");
    textarea(r, ed, "text", T(r, "Question"), it->text, 5,
             it->type == ITEM_CLOZE ? T(r, "Mark each blank as {#1}, {#2}…") : NULL);
    const char *fmt = it->text_format ? it->text_format : "markdown";
    hprintf(r, "<div class=\"field\"><label for=\"f-text_format\">%s</label><select id=\"f-text_format\" "
               "name=\"text_format\"><option value=\"markdown\"%s>Markdown</option><option value=\"plain\"%s>%s</option>",
            T(r, "Text format"), str_eq(fmt, "markdown") ? " selected" : "", str_eq(fmt, "plain") ? " selected" : "",
            T(r, "Plain text"));
    if (str_eq(fmt, "moodle") || str_eq(fmt, "html"))
        hprintf(r, "<option value=\"%s\" selected>%s (GIFT)</option>", fmt, fmt);
    html_lit(r, "</select></div>");
    if (it->type != ITEM_DESCRIPTION)
        form_input(r, "text", "points", T(r, "Points"), decimal_out(r->arena, it->points, 3), err_for(ed, "points"),
                   "inputmode=\"decimal\"");
    form_input(r, "text", "category", T(r, "Pool (category; optional)"), it->category ? it->category : "",
               err_for(ed, "category"), "");
    if (it->type == ITEM_SINGLE || it->type == ITEM_MULTIPLE)
        hprintf(r, "<div class=\"field check\"><input type=\"checkbox\" id=\"f-shuffle\" name=\"shuffle\" value=\"1\"%s>"
                   "<label for=\"f-shuffle\">%s</label></div>", it->shuffle ? " checked" : "",
                T(r, "Show the choices in random order"));
    if (it->type == ITEM_SHORT || it->type == ITEM_CLOZE)
        hprintf(r, "<div class=\"field\"><label for=\"f-text_match\">%s</label><select id=\"f-text_match\" "
                   "name=\"text_match\"><option value=\"exact\"%s>%s</option><option value=\"nocase\"%s>%s</option>"
                   "<option value=\"pattern\"%s>%s</option></select></div>", T(r, "Text answers match"),
                it->text_match == TEXT_EXACT ? " selected" : "", T(r, "exactly"),
                it->text_match == TEXT_NOCASE ? " selected" : "", T(r, "ignoring case"),
                it->text_match == TEXT_PATTERN ? " selected" : "", T(r, "with * as a wildcard, ignoring case"));
    html_lit(r, "</section>");
    if (it->type == ITEM_TRUEFALSE) {
        bool truth = it->nchoices == 2 && it->choices[0].weight == 1000;
        hprintf(r, "<section class=\"card author\"><fieldset><legend>%s</legend>"
                   "<div class=\"field check\"><input type=\"radio\" id=\"f-truth-t\" name=\"truth\" value=\"true\"%s>"
                   "<label for=\"f-truth-t\">%s</label></div><div class=\"field check\"><input type=\"radio\" "
                   "id=\"f-truth-f\" name=\"truth\" value=\"false\"%s><label for=\"f-truth-f\">%s</label></div></fieldset>",
                T(r, "The statement is"), truth ? " checked" : "", T(r, "True"), truth ? "" : " checked", T(r, "False"));
        form_input(r, "text", "c0_feedback", T(r, "Feedback to who answers True"),
                   it->nchoices == 2 && it->choices[0].feedback ? it->choices[0].feedback : "", NULL, "");
        form_input(r, "text", "c1_feedback", T(r, "Feedback to who answers False"),
                   it->nchoices == 2 && it->choices[1].feedback ? it->choices[1].feedback : "", NULL, "");
        html_lit(r, "</section>");
    } else if (uses_rows(it->type)) {
        int rows = ed->rows > it->nchoices ? ed->rows : it->nchoices + EXTRA_ROWS;
        if (rows > GIFT_MAX_CHOICES) rows = GIFT_MAX_CHOICES;
        hprintf(r, "<section class=\"card author\" id=\"answers\"><h2>%s</h2>",
                it->type == ITEM_MATCHING ? T(r, "Pairs") : T(r, "Answers"));
        if (err_for(ed, "choices")) hprintf(r, "<p class=\"field-error\">%s</p>", ed->error);
        const char *hint = rows_hint(r, it->type);
        if (hint) hprintf(r, "<p class=\"muted\">%s</p>", hint);
        hprintf(r, "<input type=\"hidden\" name=\"rows\" value=\"%d\">", rows);
        for (int i = 0; i < rows; i++) answer_row(r, ed, i, i < it->nchoices ? &it->choices[i] : NULL);
        if (rows < GIFT_MAX_CHOICES)
            hprintf(r, "<button type=\"submit\" class=\"button secondary small\" name=\"action\" value=\"more\">%s</button>",
                    T(r, "More answer rows"));
        html_lit(r, "</section>");
    }
    hprintf(r, "<section class=\"card author\">");
    textarea(r, ed, "general_feedback", T(r, "General feedback (shown whatever the answer)"), it->general_feedback, 3,
             NULL);
    hprintf(r, "<div class=\"inline\"><button type=\"submit\" class=\"button\" name=\"action\" value=\"save\">%s</button>"
               "<a class=\"button secondary\" href=\"%s#quiz-items\">%s</a></div></section>",
            T(r, "Save the question"), base, T(r, "Cancel"));
    form_end(r);
    page_end(r);
}

/* ---- the list on the quiz unit's page --------------------------------------------- */

/* The first characters of a text, on one line. */
static char *excerpt(Req *r, const char *s)
{
    s = s ? s : "";
    size_t n = 0, chars = 0;
    for (; s[n] && s[n] != '\n' && chars < 80; n++)
        if (((unsigned char)s[n] & 0xC0) != 0x80) chars++;
    while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80) n++;
    return arena_printf(r->arena, "%.*s%s", (int)n, s, s[n] ? "…" : "");
}

static void small_post(Req *r, const char *action, const char *name, const char *value, const char *label,
                       const char *aria, const char *confirm)
{
    hprintf(r, "<form method=\"post\" action=\"%s\"><input type=\"hidden\" name=\"_csrf\" value=\"%s\">", action,
            access_csrf_token(r));
    if (name) hprintf(r, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name, value);
    if (confirm)
        hprintf(r, "<button type=\"submit\" class=\"button small secondary\" aria-label=\"%s\" data-confirm=\"%s\">%s"
                   "</button></form>", aria, confirm, label);
    else hprintf(r, "<button type=\"submit\" class=\"button small secondary\" aria-label=\"%s\">%s</button></form>",
                 aria, label);
}

void author_items_section(Req *r, const Course *c, const Unit *u)
{
    char *base = base_url(r, c, u);
    QuizItems qi;
    quiz_items_load(r->db, r->arena, u->id, &qi);
    hprintf(r, "<section class=\"card\" id=\"quiz-items\"><div class=\"spread\"><h2>%s (%d)</h2>", T(r, "Questions"),
            qi.n);
    if (qi.n) hprintf(r, "<a class=\"button small secondary\" href=\"%s/quiz.gift\" download>%s</a>", base,
                      T(r, "Export as GIFT"));
    html_lit(r, "</div>");
    if (!qi.n) hprintf(r, "<p class=\"muted\">%s</p>", T(r, "No questions yet: add one below or import a GIFT file."));
    else {
        hprintf(r, "<table class=\"author-items\"><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                   "<th><span class=\"sr-only\">%s</span></th></tr></thead><tbody>", T(r, "Type"), T(r, "Question"),
                T(r, "Pool"), T(r, "Points"), T(r, "Actions"));
        for (int i = 0; i < qi.n; i++) {
            const Item *it = &qi.items[i].item;
            char *url = arena_printf(r->arena, "%s/quiz/items/%lld", base, (long long)qi.items[i].id);
            bool titled = it->title && *it->title;
            char *ex = excerpt(r, titled ? it->title : it->text);
            hprintf(r, "<tr><td>%d</td><td>%s</td><td><a href=\"%s\">%s</a>", i + 1, type_name_label(r, it->type), url,
                    ex);
            if (titled) hprintf(r, " <span class=\"muted\">%s</span>", excerpt(r, it->text));
            hprintf(r, "</td><td>%s</td><td>%s</td><td><div class=\"inline\">", it->category ? it->category : "",
                    decimal_out(r->arena, it->points, 3));
            if (i > 0)
                small_post(r, arena_printf(r->arena, "%s/move", url), "dir", "up", "↑",
                           arena_printf(r->arena, "%s: %s", T(r, "Move up"), ex), NULL);
            if (i + 1 < qi.n)
                small_post(r, arena_printf(r->arena, "%s/move", url), "dir", "down", "↓",
                           arena_printf(r->arena, "%s: %s", T(r, "Move down"), ex), NULL);
            small_post(r, arena_printf(r->arena, "%s/delete", url), NULL, NULL, T(r, "Remove"),
                       arena_printf(r->arena, "%s: %s", T(r, "Remove"), ex),
                       T(r, "Remove this question? Attempts already made keep it."));
            html_lit(r, "</div></td></tr>");
        }
        html_lit(r, "</tbody></table>");
    }
    hprintf(r, "<form method=\"get\" action=\"%s/quiz/items/new\" class=\"inline\"><label for=\"f-new-type\">%s</label>"
               "<select id=\"f-new-type\" name=\"type\">", base, T(r, "Add a question:"));
    for (ItemType t = ITEM_SINGLE; t <= ITEM_DESCRIPTION; t++)
        hprintf(r, "<option value=\"%s\">%s</option>", item_type_name(t), type_name_label(r, t));
    hprintf(r, "</select><button type=\"submit\" class=\"button small\">%s</button></form></section>\n", T(r, "Add"));
}

/* ---- handlers -------------------------------------------------------------------- */

static void blank_item(Item *it, ItemType t)
{
    memset(it, 0, sizeof *it);
    it->type = t;
    it->text = "";
    it->text_format = "markdown";
    it->points = t == ITEM_DESCRIPTION ? 0 : 1000;
    if (t == ITEM_MULTIPLE || t == ITEM_SINGLE) it->shuffle = true;
    if (t == ITEM_SHORT) it->text_match = TEXT_NOCASE;
}

/* GET …/quiz/items/new?type=single */
void author_new_page(Req *r)
{
    Course c;
    Unit *u;
    if (!quiz_staff_unit(r, &c, &u)) return;
    ItemType t = item_type_from_name(req_query(r, "type") ? req_query(r, "type") : "single");
    Editor ed = {.rows = 0};
    blank_item(&ed.it, t ? t : ITEM_SINGLE);
    if (ed.it.type == ITEM_TRUEFALSE) {
        ed.it.nchoices = 2;
        ed.it.choices = arena_alloc(r->arena, sizeof(Choice) * 2);
        ed.it.choices[0] = (Choice){.text = "true", .weight = 1000};
        ed.it.choices[1] = (Choice){.text = "false", .weight = 0};
    }
    ed.rows = 4;
    editor_render(r, 200, &c, u, &ed);
}

/* The current item {qid} of the quiz; 404 otherwise. */
static bool load_current(Req *r, const Unit *u, int64_t *qid, Item *out)
{
    if (!req_path_id_or_404(r, "qid", qid)) return false;
    QuizItems qi;
    quiz_items_load(r->db, r->arena, u->id, &qi);
    for (int i = 0; i < qi.n; i++)
        if (qi.items[i].id == *qid) {
            *out = qi.items[i].item;
            return true;
        }
    web_not_found(r);
    return false;
}

/* GET …/quiz/items/{qid} */
void author_edit_page(Req *r)
{
    Course c;
    Unit *u;
    Editor ed = {0};
    if (!quiz_staff_unit(r, &c, &u) || !load_current(r, u, &ed.qid, &ed.it)) return;
    editor_render(r, 200, &c, u, &ed);
}

/* POST …/quiz/items and POST …/quiz/items/{qid} */
static void save(Req *r, bool existing)
{
    Course c;
    Unit *u;
    Editor ed = {0};
    Item old = {0};
    if (!quiz_staff_unit(r, &c, &u) || (existing && !load_current(r, u, &ed.qid, &old))) return;
    ItemType t = existing ? old.type : item_type_from_name(req_form(r, "type") ? req_form(r, "type") : "");
    if (!t) {
        web_error(r, 400, "bad_request", T(r, "Unknown kind of question."));
        return;
    }
    blank_item(&ed.it, t);
    ed.it.id = old.id;       /* a GIFT [id:...] stays with the question */
    bool ok = editor_in(r, &ed);
    if (ok && str_eq(req_form(r, "action"), "more")) {
        ed.rows += MORE_ROWS;
        editor_render(r, 200, &c, u, &ed);
        return;
    }
    const char *msg = NULL;
    if (ok && (ed.field = item_check(&ed.it, &msg))) {
        ed.error = i18n_get(r->lang, msg);
        ok = false;
    }
    if (!ok) {
        editor_render(r, 422, &c, u, &ed);
        return;
    }
    int64_t id;
    UsTime now = time_now_us();
    int rc = existing ? quiz_item_edit(r->db, c.org_id, u->id, ed.qid, &ed.it, now, &id)
                      : quiz_item_add(r->db, c.org_id, u->id, &ed.it, now, &id);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc == LN_ELIMIT) {
        ed.error = T(r, "A quiz holds at most 1000 questions.");
        editor_render(r, 422, &c, u, &ed);
    } else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else {
        page_flash(r, T(r, "Question saved."));
        req_redirect(r, arena_printf(r->arena, "%s#quiz-items", base_url(r, &c, u)));
    }
}

void author_add_post(Req *r) { save(r, false); }
void author_edit_post(Req *r) { save(r, true); }

/* POST …/quiz/items/{qid}/move (dir=up|down) */
void author_move_post(Req *r)
{
    Course c;
    Unit *u;
    int64_t qid;
    if (!quiz_staff_unit(r, &c, &u) || !req_path_id_or_404(r, "qid", &qid)) return;
    int rc = quiz_item_move(r->db, u->id, qid, str_eq(req_form(r, "dir"), "up") ? -1 : 1);
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else req_redirect(r, arena_printf(r->arena, "%s#quiz-items", base_url(r, &c, u)));
}

/* POST …/quiz/items/{qid}/delete */
void author_delete_post(Req *r)
{
    Course c;
    Unit *u;
    int64_t qid;
    if (!quiz_staff_unit(r, &c, &u) || !req_path_id_or_404(r, "qid", &qid)) return;
    int rc = quiz_item_remove(r->db, u->id, qid, time_now_us());
    if (rc == LN_NOTFOUND) web_not_found(r);
    else if (rc != LN_OK) web_error(r, 500, "internal", T(r, "Something went wrong on our side."));
    else {
        page_flash(r, T(r, "Question removed."));
        req_redirect(r, arena_printf(r->arena, "%s#quiz-items", base_url(r, &c, u)));
    }
}
