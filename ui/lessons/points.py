"""The plane a student places points on for the decision-boundary lesson: a canvas on Gradio 6's `gr.HTML`, as the
drawing pad is (ui/draw/pad.py), whose value is the CSV text lessons/points.py reads.

A click or a tap places a point of the chosen class where it lands. The
keyboard does all of it too: the canvas takes focus, the arrow keys move a
cross (Shift for larger steps), Enter or Space places a point there, C switches
the class (0 and 1 choose one), Backspace removes the last point. The canvas is
described by the help text above it, and a live region says each point placed,
the class chosen and the cross's position. Below it, the same points as text,
one `x, y, label` a line: pasted or typed there, or loaded from a file (read in
the browser, never uploaded), they are drawn as they are read. The server reads
that text again when the lesson runs and names any line it cannot take.

The text is the one truth: a placed point appends a line, Undo removes the last
line that is a point, Clear empties it. The view spans ±VIEW units, or more
when the points reach further. Every edit sends the `input` event.
"""
import json

import gradio as gr

from lessons.points import MAX_CHARS
from ui import i18n

VIEW = 3.0  # the plane shows at least -VIEW..VIEW on both axes: the presets, standardised, fit in it
CANVAS = 360  # the canvas's own pixels; CSS scales it to the page
STEP, BIG_STEP = 0.1, 0.5  # units an arrow key moves the cross, without and with Shift
T = i18n.Texts("lessons-plane")
WORDS = {code: {key: T.say(key, code) for key in T.names()} for code in i18n.LANGUAGES}


def _say(key: str) -> str:
    return T.say(key, i18n.DEFAULT)


TEMPLATE = f"""
<div class="plane">
  <p class="plane-help" id="plane-help">{_say('help')}</p>
  <div class="plane-tools">
    <button type="button" class="plane-class" data-label="0" aria-pressed="true">{_say('class0')}</button>
    <button type="button" class="plane-class" data-label="1" aria-pressed="false">{_say('class1')}</button>
  </div>
  <canvas width="{CANVAS}" height="{CANVAS}" tabindex="0" role="application" aria-label="{_say('label')}"
          aria-describedby="plane-help"></canvas>
  <p class="plane-said" role="status" aria-live="polite"></p>
  <div class="plane-tools">
    <button type="button" class="plane-undo">{_say('undo')}</button>
    <button type="button" class="plane-clear">{_say('clear')}</button>
    <label class="plane-load"><span>{_say('load')}</span>
      <input type="file" accept=".csv,.txt,text/csv,text/plain"></label>
  </div>
  <label class="plane-text"><span>{_say('csv')}</span>
    <textarea rows="4" maxlength="{MAX_CHARS}" spellcheck="false"></textarea></label>
</div>
"""

CSS = """
.plane { display: flex; flex-direction: column; align-items: center; gap: 8px; padding-top: 32px; }
.plane canvas { width: min(100%, 360px); aspect-ratio: 1; background: #fff; border: 2px solid #9ca3af;
                border-radius: 8px; touch-action: none; cursor: crosshair; }
.plane canvas:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
.plane-tools { display: flex; flex-wrap: wrap; gap: 8px; justify-content: center; }
.plane-tools button, .plane-load { padding: 6px 12px; border-radius: 8px; border: 1px solid #9ca3af;
                                   background: #f3f4f6; color: #111827; font-size: 15px; cursor: pointer; }
.plane-class[aria-pressed="true"] { background: #1f2937; color: #fff; }
.plane-load input { font-size: 13px; }
.plane-help, .plane-said { margin: 0; font-size: 14px; max-width: 40em; }
.plane-text { display: flex; flex-direction: column; width: min(100%, 360px); font-size: 14px; }
.plane-text textarea { font-family: monospace; font-size: 14px; color: #111827; background: #fff; }
"""

JS = f"""
const canvas = element.querySelector('canvas'), pen = canvas.getContext('2d');
const box = element.querySelector('textarea'), said = element.querySelector('.plane-said');
const classes = [...element.querySelectorAll('.plane-class')];
const VIEW = {VIEW}, STEP = {STEP}, BIG_STEP = {BIG_STEP}, MAX_CHARS = {MAX_CHARS};
let label = 0, cross = [0, 0], crossShown = false, shown = '', span = VIEW;

const words = {json.dumps(WORDS, ensure_ascii=False)}, DEFAULT_LANGUAGE = {json.dumps(i18n.DEFAULT)};
const language = () => words[(document.documentElement.lang || '').slice(0, 2)] || words[DEFAULT_LANGUAGE];
const fill = (text, values) => text.replace(/\\{{(\\w+)\\}}/g, (_, k) => values[k]);
function speak() {{
  const w = language();
  canvas.setAttribute('aria-label', w.label);
  element.querySelector('.plane-help').textContent = w.help;
  classes[0].textContent = w.class0; classes[1].textContent = w.class1;
  element.querySelector('.plane-undo').textContent = w.undo;
  element.querySelector('.plane-clear').textContent = w.clear;
  element.querySelector('.plane-load span').textContent = w.load;
  element.querySelector('.plane-text span').textContent = w.csv;
}}
new MutationObserver(speak).observe(document.documentElement, {{attributes: true, attributeFilter: ['lang']}});
speak();

// the text's points as [x, y, label], leniently: the server names the lines it cannot take
function read() {{
  const found = [];
  for (const line of box.value.split(/\\r?\\n/)) {{
    const v = line.trim().split(/\\s*[,;\\t]\\s*|\\s+/);
    if (v.length !== 3 || (v[2] !== '0' && v[2] !== '1')) continue;
    const x = Number(v[0]), y = Number(v[1]);
    if (v[0] !== '' && v[1] !== '' && Number.isFinite(x) && Number.isFinite(y)) found.push([x, y, Number(v[2])]);
  }}
  return found;
}}

const toPixel = v => (v + span) / (2 * span) * canvas.width;
const fromPixel = p => p / canvas.width * 2 * span - span;
const round = v => Math.round(v * 100) / 100;
const shape = {{0: ['#2563eb', 'circle'], 1: ['#dc2626', 'diamond']}};

function mark(x, y, which, r) {{
  const [colour, kind] = shape[which];
  pen.fillStyle = colour; pen.strokeStyle = '#fff'; pen.lineWidth = 1.5;
  pen.beginPath();
  if (kind === 'circle') pen.arc(x, y, r, 0, 2 * Math.PI);
  else {{
    const d = r * 1.3;
    pen.moveTo(x, y - d); pen.lineTo(x + d, y); pen.lineTo(x, y + d); pen.lineTo(x - d, y);
  }}
  pen.closePath(); pen.fill(); pen.stroke();
}}

function paint() {{
  const points = read();
  span = Math.max(VIEW, ...points.map(([x, y]) => 1.1 * Math.max(Math.abs(x), Math.abs(y))));
  pen.fillStyle = '#fff'; pen.fillRect(0, 0, canvas.width, canvas.height);
  const unit = span <= 12 ? 1 : Math.pow(10, Math.ceil(Math.log10(span / 6)));
  pen.lineWidth = 1;
  for (let v = -Math.floor(span / unit) * unit; v <= span; v += unit) {{
    pen.strokeStyle = Math.abs(v) < 1e-9 ? '#6b7280' : '#e5e7eb';
    pen.beginPath(); pen.moveTo(toPixel(v), 0); pen.lineTo(toPixel(v), canvas.height); pen.stroke();
    pen.beginPath(); pen.moveTo(0, toPixel(-v)); pen.lineTo(canvas.width, toPixel(-v)); pen.stroke();
  }}
  for (const [x, y, which] of points) mark(toPixel(x), toPixel(-y), which, 6);
  if (crossShown) {{
    const [cx, cy] = [toPixel(cross[0]), toPixel(-cross[1])];
    pen.strokeStyle = '#111'; pen.lineWidth = 2;
    pen.beginPath(); pen.moveTo(cx - 10, cy); pen.lineTo(cx + 10, cy); pen.moveTo(cx, cy - 10); pen.lineTo(cx, cy + 10);
    pen.stroke();
    mark(cx + 14, cy - 14, label, 4);
  }}
  return points;
}}

function counts(points) {{
  return fill(language().counts, {{zero: points.filter(p => p[2] === 0).length,
                                  one: points.filter(p => p[2] === 1).length}});
}}

function send() {{
  shown = props.value = box.value;
  trigger('input');
}}

function place(x, y) {{
  const line = `${{round(x)}}, ${{round(y)}}, ${{label}}`;
  box.value = box.value.replace(/\\s+$/, '') + (box.value.trim() ? '\\n' : '') + line;
  const points = paint();
  said.textContent = fill(language().placed, {{n: points.length, x: round(x), y: round(y), label}}) + ' ' +
                     counts(points);
  send();
}}

function choose(which) {{
  label = which;
  classes.forEach((b, i) => b.setAttribute('aria-pressed', String(i === which)));
  said.textContent = fill(language().chosen, {{label}});
  paint();
}}

canvas.addEventListener('pointerdown', e => {{
  e.preventDefault();
  canvas.focus({{preventScroll: true}});
  const r = canvas.getBoundingClientRect();
  const x = fromPixel((e.clientX - r.left) * canvas.width / r.width);
  const y = -fromPixel((e.clientY - r.top) * canvas.height / r.height);
  crossShown = false;  // the cross is the keyboard's: a click leaves it where it was
  place(x, y);
}});
canvas.addEventListener('keydown', e => {{
  const step = e.shiftKey ? BIG_STEP : STEP;
  const moves = {{ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step]}};
  if (moves[e.key]) {{
    const clamp = v => Math.min(span, Math.max(-span, round(v)));
    cross = [clamp(cross[0] + moves[e.key][0]), clamp(cross[1] + moves[e.key][1])];
    crossShown = true;
    paint();
    said.textContent = fill(language().cursor, {{x: cross[0], y: cross[1]}});
  }} else if (e.key === 'Enter' || e.key === ' ') {{
    crossShown = true;
    place(cross[0], cross[1]);
  }} else if (e.key === 'c' || e.key === 'C') {{
    choose(1 - label);
  }} else if (e.key === '0' || e.key === '1') {{
    choose(Number(e.key));
  }} else if (e.key === 'Backspace' || e.key === 'Delete') {{
    undo();
  }} else {{
    return;
  }}
  e.preventDefault();
}});
canvas.addEventListener('focus', () => {{ crossShown = true; paint(); }});
canvas.addEventListener('blur', () => {{ crossShown = false; paint(); }});
classes.forEach((b, i) => b.addEventListener('click', () => choose(i)));

function undo() {{
  const lines = box.value.split(/\\r?\\n/);
  const before = read().length;
  for (let i = lines.length - 1; i >= 0; i--) {{
    box.value = lines.slice(0, i).concat(lines.slice(i + 1)).join('\\n');
    if (read().length < before) break;
    box.value = lines.join('\\n');
  }}
  said.textContent = language().removed + ' ' + counts(paint());
  send();
}}
element.querySelector('.plane-undo').addEventListener('click', undo);
element.querySelector('.plane-clear').addEventListener('click', () => {{
  box.value = '';
  paint();
  said.textContent = language().cleared;
  send();
}});
box.addEventListener('input', () => {{ paint(); shown = props.value = box.value; }});
box.addEventListener('change', () => {{ said.textContent = counts(paint()); send(); }});
element.querySelector('.plane-load input').addEventListener('change', async e => {{
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  if (file.size > MAX_CHARS * 4) {{ said.textContent = fill(language().big_file, {{limit: MAX_CHARS}}); return; }}
  box.value = await file.text();
  said.textContent = language().loaded + ' ' + counts(paint());
  send();
}});
// a value set from Python (the Reset button) is shown
watch('value', () => {{
  if (props.value === shown) return;
  shown = box.value = props.value || '';
  paint();
}});
box.value = shown = props.value || '';
paint();
"""


def plane(**kwargs) -> gr.HTML:
    """The plane as a component; its value is the points as CSV text (lessons/points.py), "" with none."""
    return gr.HTML("", html_template=TEMPLATE, css_template=CSS, js_on_load=JS, container=True, show_label=True,
                   **kwargs)
