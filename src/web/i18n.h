/* i18n.h — English and French strings from catalogues.
 *
 * Source strings are English; share/i18n/fr.po maps them to French (the
 * gettext PO format, so translators' tools work).  T(r, "Sign in") returns
 * the string in the request's language, or the English when not translated.
 */
#ifndef LECTERN_I18N_H
#define LECTERN_I18N_H

#include <stdbool.h>

#define T(r, s) i18n_get((r)->lang, "" s "")
const char *i18n_get(const char *lang, const char *msgid);
/* Load the embedded catalogues; call once at start-up. */
void i18n_init(void);
/* "en" or "fr" when `lang` names a supported language, else NULL. */
const char *i18n_supported(const char *lang);
extern const char *const i18n_languages[];  /* {"en", "fr", NULL} */
/* Number of entries in a language's catalogue (tests). */
int i18n_count(const char *lang);

#endif
