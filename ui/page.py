"""What the whole page gets, whatever the tab: its header (title, language switch, load warnings), and the theme,
the CSS and one small script, all for accessibility.

Measured with axe-core (WCAG 2 A/AA rules) in Chromium before this module
(issue #14): gradio's Soft theme drew block labels in indigo-500 on
indigo-100 (3.6:1) and info text in gray-400 on white (2.5:1), below the 4.5:1
that WCAG 2.1 AA asks of small text; 45 elements over the tabs. The colours
are fixed here, in the theme, so every component gets them. Primary buttons
(white on indigo-500, 4.47:1) move to indigo-600 (6.3:1).

Gradio draws an empty output (a Label or a Plot before its first answer) as a
`<div aria-label="Empty value">` without a role, which axe reports as a
serious `aria-prohibited-attr` violation; nine of them took half the Retrain
tab before any run. The CSS below does not show an output block while it
holds only that placeholder, so nothing is announced and nothing takes room.

The script tells the server whether the page is a phone's (a cookie, `narrow`), so that figures of two panels come
stacked there (at 390 px side by side their titles overlapped); it marks the verdict of tab 1 and the retrain status
as live regions (a screen reader speaks them when they change: gradio's Markdown has no
attribute for it), writes each plot's text summary (figures/plots.py puts it in
the figure as `layout.meta.summary`) as a caption under the plot, and lets
the arrow keys move along a tab list and choose in a radio group (gradio
6.31's tabs take Tab only, and its radios are not grouped for the browser).
"""
import json

import gradio as gr

from ui import i18n

# indigo-700 on indigo-100: 7.6:1; gray-600 on white: 7.6:1, on gray-50: 7.3:1; white on indigo-600: 6.3:1
THEME = gr.themes.Soft().set(
    block_label_text_color="*primary_700",
    block_title_text_color="*primary_700",
    body_text_color_subdued="*neutral_600",
    block_info_text_color="*neutral_600",
    body_text_color_subdued_dark="*neutral_300",  # on the dark theme's gray-700 panels: 7.0:1 (gray-400 was 4.05:1)
    block_info_text_color_dark="*neutral_300",
    color_accent="*primary_600",  # the selected tab's text, checked boxes: white or text on it 6.3:1
    checkbox_label_background_fill_selected="*primary_600",  # a chosen radio's white label
    button_primary_background_fill="*primary_600",
    button_primary_background_fill_hover="*primary_700",
    button_primary_background_fill_hover_dark="*primary_700",
)

LIVE_REGIONS = ("verdict", "status")  # elem_ids whose changes a screen reader announces

CSS = """
/* the theme has no dark variant of the accent (gradio 6.31), and no colour reaches 4.5:1 on both white and the
   dark theme's near-black: the selected tab's indigo-600 is lightened to indigo-400 in dark mode (6.4:1) */
.dark { --color-accent: var(--primary-400) !important; }
/* a visible focus ring on every control, whatever gradio draws for it */
:focus-visible { outline: 3px solid #4338ca !important; outline-offset: 2px !important; }
.dark :focus-visible { outline-color: #a5b4fc !important; }
/* an output that holds only gradio's empty placeholder is not shown (see ui/page.py) */
.block:has(> div[aria-label="Empty value"]),
.block:has(> div > div[aria-label="Empty value"]) { display: none !important; }
.plot-summary { font-size: 0.9em; margin: 4px 8px 8px; color: var(--body-text-color); }
/* on a phone the pad and both answers must fit one screen (390 × 844): a one-line title, no intro */
@media (max-width: 640px) { #title h1 { font-size: 1.5em; margin: 0; } #intro { display: none; } }
/* on a phone every tab is one tap away (app.py wraps the tab row): two rows of compact tabs, no "⋯" menu */
@media (max-width: 640px) {
  #main-tabs [role=tablist] { flex-wrap: wrap; row-gap: 2px; }
  #main-tabs [role=tab] { padding: 6px 8px; font-size: 0.9em; min-height: 40px; }
}
/* the language switch (ui/i18n.py): one line beside the title, on a phone too */
#header { align-items: center; flex-wrap: nowrap; gap: 8px; }
#header > #title { flex: 1 1 0 !important; min-width: 0 !important; }
#language { flex: 0 0 auto !important; min-width: 0 !important; width: fit-content !important; }
#language .wrap { flex-wrap: nowrap; gap: 4px; }
/* on a phone the title takes its own line and the switch the next: beside the switch the title broke into three
   lines, and with the tab row in two (every tab one tap away) the answers fell below the fold (390 x 844) */
@media (max-width: 640px) {
  #header { flex-wrap: wrap; row-gap: 4px; }
  #header > #title { flex: 1 1 100% !important; }
  #title h1 { font-size: 1.35em; }
}
#language label { padding: 4px 10px; margin: 0; }
"""

JS = """
() => {
  // a phone's screen, told to the server (`narrow`): its plots then come stacked, not side by side
  const narrow = () => { document.cookie = `NARROW=${innerWidth <= 640 ? 1 : 0}; path=/; SameSite=Lax`; };
  narrow();
  addEventListener('resize', narrow);
  const live = LIVE_REGIONS;
  const mark = () => {
    for (const id of live) {
      const region = document.getElementById(id);
      if (region && !region.hasAttribute('aria-live')) {
        region.setAttribute('role', 'status');
        region.setAttribute('aria-live', 'polite');
      }
    }
    for (const plot of document.querySelectorAll('.js-plotly-plot')) {
      const summary = (plot.layout && plot.layout.meta && plot.layout.meta.summary) || '';
      let caption = plot.nextElementSibling;
      if (!(caption && caption.classList.contains('plot-summary'))) {
        if (!summary) continue;
        caption = document.createElement('p');
        caption.className = 'plot-summary';
        plot.after(caption);
      }
      if (caption.textContent !== summary) caption.textContent = summary;
    }
  };
  new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
  mark();
  // The arrow keys, where gradio 6.31 leaves them out. In a tab list (WAI-ARIA's tabs pattern, manual activation):
  // Left/Right, Home/End move the focus along the tabs, Enter or Space opens the focused one. In a gr.Radio: each
  // input has a name of its own (gradio PR 6249, so two radios on a page never clash), so the browser does not group
  // them and its arrow keys do nothing; here they choose the next or the previous option, as in a native group.
  const moves = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity, End: Infinity};
  document.addEventListener('keydown', event => {
    if (!(event.key in moves) || event.altKey || event.ctrlKey || event.metaKey || !event.target.closest) return;
    const tab = event.target.closest('[role=tab]');
    const radio = event.target.matches('input[type=radio]') ? event.target : null;
    if (tab && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) return;
    let group;
    if (tab) group = [...tab.closest('[role=tablist]').querySelectorAll('[role=tab]')];
    else if (radio && radio.closest('fieldset')) group = [...radio.closest('fieldset').querySelectorAll('input')];
    else return;
    group = group.filter(e => !e.disabled && e.getClientRects().length);
    const here = group.indexOf(tab || radio), move = moves[event.key];
    const next = group[Number.isFinite(move) ? (here + move + group.length) % group.length
                                             : (move < 0 ? 0 : group.length - 1)];
    next.focus();
    if (radio) next.click();
    event.preventDefault();
  });
}
""".replace("LIVE_REGIONS", json.dumps(LIVE_REGIONS)).replace("NARROW", "playground_narrow")


def narrow(request: gr.Request | None) -> bool:
    """Whether the page that asked is at most 640 px wide (a phone): the cookie its script sets."""
    cookie = (getattr(request, "headers", None) or {}).get("cookie", "")
    return "playground_narrow=1" in [part.strip() for part in cookie.split(";")]


T = i18n.Texts("page")


def header(load_errors: dict[str, str]) -> gr.Radio:
    """The title with the language switch beside it, one line of what the app does, and a warning for any shipped
    model that did not load. Returns the switch (i18n.wire makes it work once the tabs are built)."""
    with gr.Row(equal_height=True, elem_id="header"):
        gr.Markdown(T["title"], elem_id="title")
        language = i18n.switch()
    gr.Markdown(T["intro"], elem_id="intro")
    if load_errors:
        warnings = {code: "⚠️ " + " ".join(T.say("not_loaded", code, kind=i18n.kind_title(kind, code), error=error)
                                           for kind, error in load_errors.items()) for code in i18n.LANGUAGES}
        gr.Markdown(i18n.static(warnings))
    return language
