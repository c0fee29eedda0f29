#!/bin/bash
# check_i18n.sh — every English string the code translates has a French
# translation in share/i18n/fr.po, and fr.po has no empty msgstr.
#
# Strings come from:
#   - literal arguments of T(r, "...") and i18n_get(lang, "..."), adjacent
#     literals joined ("a " "b" → "a b"), also across lines;
#   - strings that reach i18n_get through a variable: the literals returned
#     by check_*() functions, assigned to `*msg =`, `msg =`, `err =`,
#     `message =` or `l->message =` (in the page and model files), and the
#     admin tab labels ({"path", "Label"} in org_page.c) and the types of
#     action of certificates (certificate.c), certificate.c's, survey.c's and
#     external.c's `*why =`, report.c's `->error =`, the questions of
#     surveys (survey.c) and the verdicts of external records (external.c).
#
# Usage: scripts/check_i18n.sh [--list]   (--list prints the msgids and exits)
# Exit 0 when complete, 1 listing what is missing or empty.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
PO=share/i18n/fr.po

# One msgid per line, C escapes kept as written (\" \\ \n), which is also how
# a PO file spells them.
extract_src() {
    perl -0777 -ne '
        my $src = $_;
        # Drop comments, keeping string literals intact.
        $src =~ s{("(?:[^"\\\n]|\\.)*")|\x27(?:[^\x27\\\n]|\\.)*\x27|/\*.*?\*/|//[^\n]*}{defined $1 ? $1 : " "}gse;
        my $lit  = qr/"(?:[^"\\\n]|\\.)*"/;
        my $lits = qr/$lit(?:\s*$lit)*/;
        sub join_lits { my $s = shift; my @p = ($s =~ /"((?:[^"\\\n]|\\.)*)"/g); join "", @p }
        my %out;
        # T(r, "...") and i18n_get(anything, "...")
        while ($src =~ /\b(?:T\s*\(\s*[^,()]+|i18n_get\s*\(\s*[^,()]+(?:\([^()]*\))?[^,()]*)\s*,\s*($lits)\s*\)/g) {
            $out{join_lits($1)} = 1;
        }
        # Literals returned by check_*() functions.
        while ($src =~ /\bconst\s+char\s*\*\s*check_\w+\s*\([^)]*\)\s*\{(.*?)\n\}/gs) {
            my $body = $1;
            $out{join_lits($1)} = 1 while $body =~ /\breturn\s+($lits)\s*;/g;
            $out{join_lits($1)} = 1 while $body =~ /\?\s*($lits)\s*:/g;
        }
        # Messages assigned to variables later shown through i18n_get
        # (only in the files that do so; the API messages stay English).
        my $msgfile = $ARGV =~ m{(?:org/import|org/org|account/account_page|account/account|org/org_page|certificate/certificate|survey/survey|xapi/external|xapi/external_page|xapi/report|evidence/pack)\.c$};
        while ($msgfile and $src =~ /(?:\*msg|\*why|\bmsg|\berr|->message|->error|\bmessage)\s*=\s*($lits)\s*;/g) {
            $out{join_lits($1)} = 1;
        }
        while ($msgfile and $src =~ /(?:\*msg|\*why|\bmsg|->message)\s*=\s*[^;?]*\?\s*($lits)\s*:\s*($lits)\s*;/g) {
            $out{join_lits($1)} = 1; $out{join_lits($2)} = 1;
        }
        # The questions of satisfaction surveys: {"overall", SQ_RATING, "Overall, ...", true}.
        if ($ARGV =~ /survey\/survey\.c$/) {
            $out{$1} = 1 while $src =~ /\{\s*"[a-z_]+"\s*,\s*SQ_[A-Z]+\s*,\s*"((?:[^"\\\n]|\\.)*)"/g;
        }
        # The verdicts of external records: verdict_texts[] = {"...", ...}.
        if ($ARGV =~ /xapi\/external\.c$/ and $src =~ /verdict_texts\[\]\s*=\s*\{(.*?)\};/s) {
            my $list = $1;
            $out{$1} = 1 while $list =~ /"((?:[^"\\\n]|\\.)*)"/g;
        }
        # Tab labels: {"users", "People"}.
        if ($ARGV =~ /(?:org_page|certificate)\.c$/) {
            $out{$1} = 1 while $src =~ /\{\s*"[a-z_]+"\s*,\s*"([A-Z](?:[^"\\\n]|\\.)*)"\s*\}/g;
        }
        print "$_\n" for grep { length } keys %out;
    ' $(find src -name '*.c' -o -name '*.h' | sort) | sort -u
}

# msgid<TAB>msgstr for every entry of the PO file (header excluded).
extract_po() {
    perl -ne '
        BEGIN { $cur = ""; }
        sub flush { print "$id\t$str\n" if defined $id && length $id; undef $id; $str = ""; }
        chomp; s/\r$//;
        if (/^msgid\s+"(.*)"\s*$/)      { flush(); $id = $1; $str = ""; $cur = "id"; }
        elsif (/^msgstr\s+"(.*)"\s*$/)  { $str = $1; $cur = "str"; }
        elsif (/^"(.*)"\s*$/)           { if ($cur eq "id") { $id .= $1 } elsif ($cur eq "str") { $str .= $1 } }
        else                            { $cur = ""; }
        END { flush(); }
    ' "$PO"
}

if [ "${1:-}" = "--list" ]; then
    extract_src
    exit 0
fi

[ -f "$PO" ] || { echo "check_i18n: $PO is missing"; exit 1; }

TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
extract_src >"$TMPD/src"
extract_po >"$TMPD/po"
cut -f1 "$TMPD/po" | sort -u >"$TMPD/po_ids"

status=0
missing=$(comm -23 "$TMPD/src" "$TMPD/po_ids")
if [ -n "$missing" ]; then
    echo "check_i18n: $(printf '%s\n' "$missing" | wc -l) msgid(s) used in src/ are missing from $PO:"
    printf '%s\n' "$missing" | sed 's/^/  msgid "/; s/$/"/'
    status=1
fi
empty=$(awk -F'\t' '$2 == "" { print $1 }' "$TMPD/po")
if [ -n "$empty" ]; then
    echo "check_i18n: $(printf '%s\n' "$empty" | wc -l) msgid(s) in $PO have an empty msgstr:"
    printf '%s\n' "$empty" | sed 's/^/  msgid "/; s/$/"/'
    status=1
fi
dups=$(cut -f1 "$TMPD/po" | sort | uniq -d)
if [ -n "$dups" ]; then
    echo "check_i18n: msgid(s) defined twice in $PO:"
    printf '%s\n' "$dups" | sed 's/^/  msgid "/; s/$/"/'
    status=1
fi
if [ "$status" -eq 0 ]; then
    echo "check_i18n: $(wc -l <"$TMPD/src") msgids used in src/, all translated in $PO"
fi
exit "$status"
