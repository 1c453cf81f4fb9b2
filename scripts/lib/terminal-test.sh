#!/usr/bin/env bash
# Terminal tests: drives the real entk binary inside tmux, typing keys and reading the screen,
# to check what only a terminal shows (prompt, line editing, history, Tab, Ctrl-C, Ctrl-D).
#
#   scripts/lib/terminal-test.sh [BINARY]     (default: $ENTK_BINARY, else a release build)
#
# Every tmux call uses a private server (-L entk-test-PID), the history lives in a temporary
# directory (ENTK_HISTORY), and both are removed on exit. Waits poll the screen for up to
# ENTK_TERMINAL_TIMEOUT seconds (default 20) so a slow shared machine does not fail the test.
# The inputs are valid both in the demo engine and in the entk language.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="${1:-${ENTK_BINARY:-}}"
if [ -z "$binary" ]; then
    (cd "$root" && swift build -c release --product entk >&2)
    binary="$root/.build/release/entk"
fi
[ -x "$binary" ] || { echo "terminal-test: no executable at $binary" >&2; exit 1; }
command -v tmux >/dev/null || { echo "terminal-test: tmux is not installed" >&2; exit 1; }

timeout="${ENTK_TERMINAL_TIMEOUT:-20}"
socket="entk-test-$$"
work="$(mktemp -d)"
cleanup() {
    tmux -L "$socket" kill-server >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

tmx() { tmux -L "$socket" "$@"; }
failures=0
passes=0

# The whole screen plus scroll-back, trailing blanks stripped by tmux.
screen() { tmx capture-pane -p -J -S - -t "$target" 2>/dev/null || true; }

# Lines of the screen equal to $1.
count_lines() { screen | grep -cxF -- "$1" || true; }

# wait_lines TEXT N: waits until at least N screen lines equal TEXT.
wait_lines() {
    local deadline=$((SECONDS + timeout))
    while [ "$(count_lines "$1")" -lt "$2" ]; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# wait_prompts N: waits until the screen shows N prompts (lines starting with "entk>").
wait_prompts() {
    local deadline=$((SECONDS + timeout))
    while [ "$(screen | grep -c '^entk>' || true)" -lt "$1" ]; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# wait_match GREP-ARGS…: waits until some screen line matches.
wait_match() {
    local deadline=$((SECONDS + timeout))
    until screen | grep -q "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# Waits until the last line on screen is an empty prompt, so typed keys reach libedit and are
# not echoed early by the terminal while the previous input still runs.
ready() {
    local deadline=$((SECONDS + timeout))
    until screen | grep -v '^$' | tail -n 1 | grep -qxE '(entk|\.\.\.)> ?'; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

check() {
    local name="$1"; shift
    if "$@"; then
        passes=$((passes + 1)); echo "ok - $name"
    else
        failures=$((failures + 1)); echo "not ok - $name"
        echo "---- screen ----"; screen | sed 's/^/  | /'; echo "----------------"
    fi
}

# Starts entk in a fresh tmux session (entk1, entk2, … on the one private server; the old
# session goes only after the new one exists, so the server never restarts mid-test). A
# wrapper shell writes entk's exit status to a file.
run=0
target=""
start() {
    local previous="$target"
    run=$((run + 1))
    target="entk$run"
    rm -f "$work/status"
    tmx new-session -d -s "$target" -x 120 -y 50 \
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 ENTK_HISTORY='$work/history' '$binary' --no-prelude; echo \$? > '$work/status'; sleep 3600"
    [ -z "$previous" ] || tmx kill-session -t "$previous" >/dev/null 2>&1 || true
    wait_prompts 1
}

type_line() { ready || true; tmx send-keys -t "$target" -l -- "$1"; tmx send-keys -t "$target" Enter; }
type_keys() { ready || true; tmx send-keys -t "$target" "$@"; }

exit_status() {
    local deadline=$((SECONDS + timeout))
    while [ ! -s "$work/status" ]; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "none"; return; }
        sleep 0.1
    done
    cat "$work/status"
}

# ---------------------------------------------------------------------------------------
check "the console starts with a banner and a prompt" start
check "the banner names entk and .help" wait_match '^entk .* · .help for help$'

type_line 'x = 1+2'
wait_prompts 2 || true
type_line 'x'
check "an assignment is read back" wait_lines "3" 1

type_keys Up
sleep 0.3
tmx send-keys -t "$target" Enter
check "the up arrow recalls the last input" wait_lines "3" 2

type_line 'y = (1 +'
type_line '2)'
check "an open parenthesis shows the continuation prompt" wait_lines "...> 2)" 1
type_line 'y'
check "a multi-line input runs when complete" wait_lines "3" 3

type_line 'xylophone = 7'
wait_prompts 7 || true
type_keys -l -- 'xyl'
tmx send-keys -t "$target" Tab
sleep 0.3
tmx send-keys -t "$target" Enter
check "Tab completes a binding" wait_lines "7" 1
check "the completed line reads back in full" wait_lines "entk> xylophone" 1

type_keys -l -- 'x + 100'
sleep 0.3
tmx send-keys -t "$target" C-c
sleep 0.3
type_line 'x'
check "after Ctrl-C on a half-typed line the session and bindings remain" wait_lines "3" 4
check "the interrupted line did not run" test "$(count_lines "103")" -eq 0

type_line 'z = (1 +'
ready || true
tmx send-keys -t "$target" C-c
check "Ctrl-C at the continuation prompt returns to the main prompt" \
    bash -c "sleep 0.3; tmux -L '$socket' capture-pane -p -t '$target' | grep -v '^\$' | tail -n 1 | grep -qxE 'entk> ?'"

type_line 'x # café'
check "UTF-8 input is kept" wait_match -xF 'entk> x # café'
check "an input with a UTF-8 comment runs" wait_lines "3" 5

type_line '.h'
check "an ambiguous meta-command lists the candidates" wait_match -F '.help, .history'

# Ctrl-C during running work: a training run far too long to finish shows a progress line,
# and Ctrl-C stops it at a step boundary with the model and every binding intact.
type_line 'm = tms(features: 50, hidden: 10, seed: 0); d = m.samples(500, seed: 1);'
wait_prompts 14 || true
type_line 'train(m, d, steps: 100000000)'
sleep 1.5
check "running work shows a progress line" wait_match -E '^train  [0-9]+/100000000'
tmx send-keys -t "$target" C-c
check "Ctrl-C stops training with an error naming the step" wait_match -F 'interrupted: training stopped at step'
type_line 'x'
check "after stopping work the bindings remain" wait_lines "3" 6
type_line 'm.step > 0'
check "the model kept its completed steps" wait_match -xF 'true'

# Ctrl-C inside a kernel build (polled between blocks of inputs) and inside one dense LAPACK
# eigen solve (abandoned on its own thread) returns to the prompt within a second.
within_a_second() {
    local i
    for i in $(seq 1 20); do screen | grep -qF -- "$1" && return 0; sleep 0.05; done
    return 1
}
type_line 'big = m.samples(10000, seed: 2)'
type_line 'K = ntk(m, big, view: "trace")'
sleep 2
tmx send-keys -t "$target" C-c
check "Ctrl-C during a kernel build returns within a second" within_a_second 'interrupted by Ctrl-C during the kernel build'
type_line 'small = ntk(m, m.samples(60, seed: 3))'
type_line 's = small.eig(3000, method: "direct")'
sleep 2
tmx send-keys -t "$target" C-c
check "Ctrl-C during a dense eigen solve returns within a second" within_a_second 'interrupted by Ctrl-C during the eigen solve'
type_line 'x'
check "after both the bindings remain" wait_lines "3" 7

# A multi-line input is one history entry: the up arrow recalls the whole block (its later
# lines without the "...> " prompt), which runs again as the same input, edited or not.
type_line 'for i in 0..<2 {'
type_line '    print("tick", i)'
type_line '}'
check "a block typed over three lines runs" wait_lines "tick 1" 1
type_keys Up
check "the up arrow recalls the whole block" wait_lines '    print("tick", i)' 1
check "the recalled block starts at the prompt" wait_lines "entk> for i in 0..<2 {" 2
tmx send-keys -t "$target" Enter
check "Enter runs the recalled block again" wait_lines "tick 1" 2
type_keys Up C-a
tmx send-keys -t "$target" Right Right Right Right Right Right Right Right Right Right Right Right Right Right BSpace
tmx send-keys -t "$target" -l -- '3'
check "the recalled block can be edited" wait_lines "entk> for i in 0..<3 {" 1
tmx send-keys -t "$target" Enter
check "the edited block runs" wait_lines "tick 2" 1

type_line 'survivor = 42'
sleep 0.5
type_keys C-d
check "Ctrl-D on an empty line exits with status 0" test "$(exit_status)" = "0"
check "the history file was written" test -s "$work/history"

# ---------------------------------------------------------------------------------------
check "the console starts again" start
type_keys Up
sleep 0.3
check "history survives a restart" wait_lines "entk> survivor = 42" 1
tmx send-keys -t "$target" Up
check "a block is one entry of the history file" wait_lines "entk> for i in 0..<3 {" 1
tmx send-keys -t "$target" Enter
check "the block from the history file runs" wait_lines "tick 2" 1
# The history now ends with survivor = 42 and the block just run.
type_keys Up Up
sleep 0.3
tmx send-keys -t "$target" Enter
# (libedit blanks the longer block it replaces with spaces, which capture-pane -J keeps)
check "the input before it is recalled" wait_match -xE 'entk> survivor = 42 *'

type_line 'survivor'
check "the recalled input runs" wait_lines "42" 1
type_line '.quit'
check ".quit exits with status 0" test "$(exit_status)" = "0"

echo "terminal tests: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
