#ifndef CINEBOOK_CNCURSESW_SHIM_H
#define CINEBOOK_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <stdio.h>
#include <ncursesw/curses.h>

/* Macros and globals that do not import into Swift, as plain functions. */
static inline WINDOW *cb_stdscr(void) { return stdscr; }
static inline int cb_colors(void) { return COLORS; }
static inline int cb_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cb_a_normal(void) { return A_NORMAL; }
static inline attr_t cb_a_bold(void) { return A_BOLD; }
static inline attr_t cb_a_reverse(void) { return A_REVERSE; }
static inline attr_t cb_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cb_a_dim(void) { return A_DIM; }
static inline attr_t cb_color_pair(int n) { return COLOR_PAIR(n); }
static inline int cb_key_resize(void) { return KEY_RESIZE; }
static inline int cb_key_mouse(void) { return KEY_MOUSE; }
static inline SCREEN *cb_newterm_stdio(void) { return newterm(NULL, stdout, stdin); }
static inline mmask_t cb_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cb_button1_clicked(void) { return BUTTON1_CLICKED; }
#endif
