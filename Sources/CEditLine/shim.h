#ifndef ENTK_CEDITLINE_SHIM_H
#define ENTK_CEDITLINE_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <editline/readline.h>

/* readline.h's completion hooks and history counters are plain C globals; Swift 6 rejects
   touching mutable C globals directly, so they are reached through these fixed functions. */
typedef char **entk_completion_fn(const char *, int, int);

static inline void entk_set_completion(entk_completion_fn *fn) {
    rl_attempted_completion_function = (rl_completion_func_t *)fn;
}
static inline void entk_completion_over(int over) { rl_attempted_completion_over = over; }
static inline int entk_completion_point(void) { return rl_point; }
static inline const char *entk_line_buffer(void) { return rl_line_buffer; }
static inline void entk_set_word_breaks(const char *breaks) {
    rl_basic_word_break_characters = breaks;
}
static inline void entk_set_completion_append(int c) { rl_completion_append_character = c; }

/* The history entries, oldest first: entry i for 0 <= i < entk_history_count(). */
static inline int entk_history_count(void) { return history_length; }
static inline const char *entk_history_entry(int i) {
    HIST_ENTRY *entry = history_get(history_base + i);
    return entry ? entry->line : NULL;
}
#endif
