/* assess_io.h — quiz and assignment units in the course-as-files format
 * (docs/course-format.md, "Quiz units" and "Assignment units"), for
 * src/content/course_io.c.
 *
 * A quiz unit NN-title.md carries its settings as header keys; its
 * questions are NN-title.gift (gift_write) and, for the questions GIFT cannot
 * hold exactly (ordering, cloze, anything that would not read back the
 * same), NN-title.items.json with their positions.  An assignment unit
 * carries its settings as header keys, its rubric in NN-title.rubric.json and
 * its instructions in NN-title.instructions.md.  Export → import → export
 * gives the same bytes.
 */
#ifndef LECTERN_ASSESS_IO_H
#define LECTERN_ASSESS_IO_H

#include "assess/gradebook.h"
#include "assess/peer.h"
#include "assess/quiz.h"
#include "content/course_io.h"

/* The companion files, by the suffix that replaces ".md". */
#define AIO_GIFT ".gift"
#define AIO_ITEMS ".items.json"
#define AIO_RUBRIC ".rubric.json"
#define AIO_INSTRUCTIONS ".instructions.md"

/* Header keys of quiz and assignment units, of both ("weight": the
 * gradebook's weight), and of course.txt (the gradebook's pass mark and
 * completion rule); NULL-terminated. */
extern const char *const aio_quiz_keys[];
extern const char *const aio_assignment_keys[];
extern const char *const aio_graded_keys[];
extern const char *const aio_course_keys[];
/* Does the file name end in one of the companion suffixes? */
bool aio_companion(const char *name);

/* What an import reads for one quiz or assignment unit. */
typedef struct AioUnit {
    bool quiz, assignment;
    QuizSettings qs;
    ItemBank bank;
    PeerSettings ps;
    int64_t weight;             /* in the course grade; GB_DEFAULT_WEIGHT when absent */
} AioUnit;

/* The header keys of a `kind` unit ("quiz" or "assignment") into u;
 * NULL when fine, else an English message and *key the key in error. */
const char *aio_header(Arena *a, const char *kind, const CourseHeader *h, AioUnit *u, const char **key);
/* The companions' texts (NULL when the file is absent).  NULL when fine,
 * else a message, *suffix the file in error and *line its line. */
const char *aio_companions(Arena *a, AioUnit *u, const char *gift, size_t gift_len, const char *items,
                           size_t items_len, const char *rubric, size_t rubric_len, const char *instructions,
                           size_t instructions_len, const char **suffix, int *line);
/* Inside the caller's transaction: the settings, weight and questions or
 * rubric of the new unit `unit_id` of course `course_id`. */
int aio_store(Db *db, Arena *a, int64_t org_id, int64_t course_id, int64_t unit_id, const AioUnit *u, UsTime now);

/* course.txt's gradebook keys into *s (defaults when absent); NULL when
 * fine, else an English message and *key the key in error. */
const char *aio_course_header(const CourseHeader *h, GbSettings *s, const char **key);
/* Inside the caller's transaction: the new course's gradebook settings
 * (nothing written when they are the defaults). */
int aio_course_store(Db *db, int64_t org_id, int64_t course_id, const GbSettings *s, UsTime now);
/* Export: course.txt's gradebook keys, those that are not the defaults. */
int aio_course_export(Db *db, int64_t course_id, Buf *hdr);

/* Export: the header keys of quiz or assignment unit `u` appended to hdr,
 * and the companion files (data NULL when the file is not written). */
typedef struct AioFile { const char *suffix; char *data; size_t len; } AioFile;
typedef struct AioOut { AioFile files[4]; int n; } AioOut;
int aio_export(Db *db, Arena *a, const Unit *u, Buf *hdr, AioOut *out);

#endif
