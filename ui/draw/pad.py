"""The drawing pad: a plain canvas on Gradio 6's `gr.HTML`, sending strokes instead of pixels.

It replaces `gr.Sketchpad`, which needed 1.4–1.7 s from the end of a stroke to
the answers in headless Chromium on 2 cores (three component_server calls and
six uploads per stroke; the server's part was under 0.1 s). This pad sends the
point lists as a few hundred bytes of JSON (ink/strokes.py has the format),
and Python draws them. Pointer events cover mouse, touch and pen; the page
does not scroll under a thumb (touch-action: none).

Python may set the value too (an example digit): the pad then shows those strokes.

Its own words (the buttons, the canvas's label) follow the page's language, `document.documentElement.lang`,
which the language switch sets (ui/i18n.py): the page starts in the default language and follows each change.
gradio redraws the template only when it would render differently, which this one never does, so the words set
here stay.

It sends one event, `input`: while a stroke is being drawn, at most once per
THROTTLE_MS, and at the end of every stroke, after Undo and after Clear. One
event, because its handler runs with trigger_mode="always_last": gradio then
keeps only the newest drawing waiting behind the one being answered, so the
last answer on screen is always the last drawing's. (With a second event for
the end of a stroke, an older drawing still waiting on the first could be
answered after it, and the screen showed a stale answer; seen in a timeline of
one stroke in headless Chromium.)
"""
import json

import gradio as gr

from ui import i18n

THROTTLE_MS = 125  # at most 8 drawings a second per browser while a stroke is drawn
CANVAS = 280  # the canvas's own pixels; CSS scales it to the page, strokes are sent in these units
T = i18n.Texts("pad")
WORDS = {code: {key: T.say(key, code) for key in T.names()} for code in i18n.LANGUAGES}

TEMPLATE = f"""
<div class="pad">
  <canvas width="{CANVAS}" height="{CANVAS}" role="img" aria-label="{T.say('canvas', i18n.DEFAULT)}"></canvas>
  <div class="pad-tools">
    <button type="button" class="pad-undo">{T.say('undo', i18n.DEFAULT)}</button>
    <button type="button" class="pad-clear">{T.say('clear', i18n.DEFAULT)}</button>
  </div>
</div>
"""

CSS = """
.pad { display: flex; flex-direction: column; align-items: center; gap: 8px; }
.pad canvas { width: min(100%, 300px); aspect-ratio: 1; background: #fff; border: 2px solid #9ca3af;
              border-radius: 12px; touch-action: none; cursor: crosshair; }
.pad canvas:not([data-ready]) { cursor: progress; opacity: 0.6; }
.pad-tools { display: flex; gap: 8px; }
.pad-tools button { padding: 6px 16px; border-radius: 8px; border: 1px solid #9ca3af; background: #f3f4f6;
                    color: #111827; font-size: 15px; cursor: pointer; }
"""

JS = f"""
const canvas = element.querySelector('canvas');
const pen = canvas.getContext('2d');
let strokes = [], current = null, lastSent = 0, sent = 0, shown = '';

// the pad's words in the page's language, now and whenever the switch changes it
const words = {json.dumps(WORDS, ensure_ascii=False)}, DEFAULT_LANGUAGE = {json.dumps(i18n.DEFAULT)};
function speak() {{
  const said = words[(document.documentElement.lang || '').slice(0, 2)] || words[DEFAULT_LANGUAGE];
  canvas.setAttribute('aria-label', said.canvas);
  element.querySelector('.pad-undo').textContent = said.undo;
  element.querySelector('.pad-clear').textContent = said.clear;
}}
new MutationObserver(speak).observe(document.documentElement, {{attributes: true, attributeFilter: ['lang']}});
speak();

function paint() {{
  pen.fillStyle = '#fff';
  pen.fillRect(0, 0, canvas.width, canvas.height);
  pen.strokeStyle = '#111'; pen.fillStyle = '#111';
  pen.lineWidth = 14; pen.lineCap = 'round'; pen.lineJoin = 'round';
  for (const s of strokes) {{
    pen.beginPath();
    pen.moveTo(s[0][0], s[0][1]);
    for (const [x, y] of s.slice(1)) pen.lineTo(x, y);
    if (s.length === 1) pen.lineTo(s[0][0] + 0.1, s[0][1]);
    pen.stroke();
  }}
}}

function at(e) {{
  const box = canvas.getBoundingClientRect();
  const clamp = (v, hi) => Math.round(Math.min(hi, Math.max(0, v)) * 10) / 10;
  return [clamp((e.clientX - box.left) * canvas.width / box.width, canvas.width),
          clamp((e.clientY - box.top) * canvas.height / box.height, canvas.height)];
}}

function send(event) {{
  shown = props.value = JSON.stringify({{width: canvas.width, height: canvas.height, strokes, n: ++sent}});
  trigger(event);
  lastSent = performance.now();
}}

canvas.addEventListener('pointerdown', e => {{
  e.preventDefault();
  canvas.setPointerCapture(e.pointerId);
  current = [at(e)];
  strokes.push(current);
  paint();
}});
canvas.addEventListener('pointermove', e => {{
  if (!current) return;
  e.preventDefault();
  const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
  for (const c of (events.length ? events : [e])) {{
    const p = at(c), q = current[current.length - 1];
    if (Math.hypot(p[0] - q[0], p[1] - q[1]) >= 1.5) current.push(p);
  }}
  paint();
  if (performance.now() - lastSent >= {THROTTLE_MS}) send('input');
}});
const finish = e => {{
  if (!current) return;
  current = null;
  send('input');
}};
canvas.addEventListener('pointerup', finish);
canvas.addEventListener('pointercancel', finish);
element.querySelector('.pad-undo').addEventListener('click', () => {{ strokes.pop(); paint(); send('input'); }});
element.querySelector('.pad-clear').addEventListener('click', () => {{ strokes = []; paint(); send('input'); }});
// a drawing set from Python (an example digit, ui/draw/examples.py) is shown, and the student can draw on from it
watch('value', () => {{
  if (props.value === shown) return;
  shown = props.value;
  try {{
    const given = JSON.parse(props.value || '{{}}');
    const sx = canvas.width / (given.width || canvas.width), sy = canvas.height / (given.height || canvas.height);
    strokes = (given.strokes || []).map(s => s.map(([x, y]) => [x * sx, y * sy]));
  }} catch (error) {{
    strokes = [];
  }}
  paint();
}});
paint();
canvas.dataset.ready = '1';  // listening now: strokes drawn before this moment would be lost
"""


def pad(**kwargs) -> gr.HTML:
    """The pad as a component; its value is the drawing as JSON (ink/strokes.py), "" before anything is drawn."""
    return gr.HTML("", html_template=TEMPLATE, css_template=CSS, js_on_load=JS, **kwargs)
