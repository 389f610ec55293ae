#!/bin/bash
# man_pages.sh - each program's --help and its man page (docs/man/*.scd)
# name the same options, and gfx-ctl's the same commands; the man pages were
# built (scdoc) and are roff.
HERE=$(dirname "$0"); BIN=$HERE/../bin; MAN=$HERE/../man
DOCS=$(dirname "$(readlink -f "$0")")/../docs/man

# The option names (-x, --xyz) of the lines that start with an option.
help_options() { grep -E '^\s+-' | grep -oE '^\s+-[a-zA-Z](, --[a-z][a-z-]*)?|^\s+--[a-z][a-z-]*' |
	grep -oE -- '--?[a-zA-Z][a-z-]*' | sort -u; }
# The same from a man page section's item lines (*-x*, *--xyz* ...).
section() { awk -v s="# $2" '$0 == s {on=1; next} /^# / {on=0} on' "$1"; }
man_options() { grep -E '^\*-' | grep -oE -- '\*--?[a-zA-Z][a-z-]*' | tr -d '*' | sort -u; }
# gfx-ctl's commands: first words after "Commands:" in --help, items of COMMANDS.
help_commands() { sed -n '/^Commands:/,$p' | grep -E '^  [a-z]' | awk '{print $1}' | sort -u; }
man_commands() { grep -E '^\*[a-z]' | sed -E 's/^\*([a-z-]+)\*.*/\1/' | sort -u; }

# differ WHAT A B: the lines only in A and only in B, or nothing.
differ() {
	local a b
	a=$(comm -23 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	b=$(comm -13 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	[ -z "$a$b" ] && return 1
	echo "${a:+$1 only in --help: $a}${a:+${b:+; }}${b:+$1 only in the man page: $b}"
}

for p in gfx-device gfx-ctl gfx-compositor; do
	src=$DOCS/$p.1.scd
	if ! help=$("$BIN/$p" --help 2>&1); then fail="--help failed: $help"
	elif [ ! -s "$MAN/$p.1" ] || ! grep -q '^\.TH' "$MAN/$p.1"; then fail="no built man page $MAN/$p.1"
	else
		fail=$(differ options "$(help_options <<<"$help")" "$(section "$src" OPTIONS | man_options)")
		[ -z "$(help_options <<<"$help")" ] && fail="no options found in --help"
		if [ -z "$fail" ] && [ "$p" = gfx-ctl ]; then
			fail=$(differ commands "$(help_commands <<<"$help")" "$(section "$src" COMMANDS | man_commands)")
		fi
	fi
	[ -z "$fail" ] && echo "PASS man_page_matches_help_$p" || echo "FAIL man_page_matches_help_$p: $fail"
done
