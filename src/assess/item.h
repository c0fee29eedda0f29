/* item.h — assessment items (quiz questions) in memory: what GIFT import
 * and export (gift.c), authoring, storage and grading (grade.c) share.
 *
 * An item is one question of a type with its choices, answers and feedback.
 * Weights and scores are in thousandths (1000 = 100 %), so partial credit is
 * exact integer arithmetic; points are the item's weight in the quiz.
 * Everything hangs off an Arena.
 */
#ifndef LECTERN_ITEM_H
#define LECTERN_ITEM_H

#include "core/core.h"

typedef enum {
    ITEM_SINGLE = 1,    /* one right choice among several */
    ITEM_MULTIPLE,      /* several choices with weights; partial credit */
    ITEM_TRUEFALSE,     /* choices[0] "true", choices[1] "false"; the right one weighs 1000 */
    ITEM_NUMERIC,       /* exact, tolerance or range; several accepted answers with weights */
    ITEM_SHORT,         /* short text: exact, case-insensitive or pattern */
    ITEM_MATCHING,      /* pairs: left item → right item */
    ITEM_ORDERING,      /* put choices in order */
    ITEM_CLOZE,         /* fill in the blanks: text with gaps, each gap a sub-answer set */
    ITEM_ESSAY,         /* free text, graded by a trainer or by peers */
    ITEM_DESCRIPTION,   /* text only, no answer (GIFT "description") */
} ItemType;

const char *item_type_name(ItemType t);            /* "single", "multiple", ... */
ItemType item_type_from_name(const char *name);    /* 0 when unknown */

typedef enum { TEXT_EXACT = 0, TEXT_NOCASE, TEXT_PATTERN } TextMatch;

/* One choice or accepted answer.  For NUMERIC: value ± tolerance, or the
 * range [min, max] (values in millionths to stay integer: 1.5 → 1500000).
 * For MATCHING: `text` is the left side, `match` the right side.  For CLOZE:
 * `gap` is the index of the gap the answer belongs to.  GIFT's NUMERIC "any
 * other answer" ("~#feedback") is a last choice with text "*", weight 0 and
 * the range [INT64_MIN, INT64_MAX]. */
typedef struct Choice {
    char *text;
    char *match;                /* MATCHING: the right side */
    int weight;                 /* thousandths, -1000..1000; 1000 = fully right */
    char *feedback;             /* shown after answering, may be NULL */
    int64_t num_value, num_tolerance, num_min, num_max;   /* millionths */
    bool num_is_range;
    int gap;                    /* CLOZE: 0 .. ngaps-1 */
    /* CLOZE: how the gap `gap` is graded — ITEM_NUMERIC, ITEM_SHORT (with the
     * item's text_match) or ITEM_SINGLE (the learner picks one of the gap's
     * choices).  The gap's first choice decides; 0 means ITEM_SHORT. */
    ItemType gap_type;
} Choice;

typedef struct Item {
    ItemType type;
    char *title;                /* may be NULL */
    char *text;                 /* the question; for CLOZE with gaps marked "{#N}";
                                   GIFT's missing word keeps its type and has
                                   "_____" where the answers stand */
    char *text_format;          /* "markdown" | "plain" | "html" | "moodle" (GIFT
                                   [format]; "moodle", GIFT's default: plain text
                                   with line breaks kept) */
    char *general_feedback;     /* shown after answering whatever the answer */
    char *category;             /* GIFT $CATEGORY in force, may be NULL */
    Choice *choices;
    int nchoices;
    int ngaps;                  /* CLOZE */
    TextMatch text_match;       /* SHORT, and the SHORT gaps of a CLOZE */
    int points;                 /* thousandths of a point in the quiz; default 1000 */
    bool shuffle;               /* present the choices in random order */
    char *id;                   /* stable id within its bank, may be NULL */
    int line;                   /* where it started in its source file */
} Item;

typedef struct ItemBank { Item *items; int n; } ItemBank;

/* A learner's response to one item, as submitted.  For SINGLE/TRUEFALSE:
 * one index in `picks`; MULTIPLE: the picked indexes; ORDERING: the choice
 * indexes in the learner's order; MATCHING: picks[i] = the choice whose
 * `match` was paired with choice i's `text` (-1: none); NUMERIC, SHORT,
 * ESSAY: `text`; CLOZE: texts[g] for gap g (for an ITEM_SINGLE gap, the
 * picked choice's index in item->choices as decimal text). */
typedef struct Response {
    int *picks;
    int npicks;
    char *text;
    char **texts;
    int ntexts;
} Response;

/* Score in thousandths of the item (0..1000), never below 0, never above
 * 1000; -1 when the item needs a person (ESSAY), has no answer (DESCRIPTION)
 * or is of an unknown type.  r may be NULL (nothing submitted).  Integer
 * arithmetic only; shares (MATCHING, ORDERING, CLOZE gaps) are rounded half
 * down.  The rules for each type are in grade.c. */
int item_grade(const Item *item, const Response *r);

#endif
