"""Lesson 4, the decision boundary: its text against its own numbers at the ends of every control, the student's own
points (read line by line, through the lesson and the API), and the plane in a real browser."""
import json
import re

import pytest
from gradio_client.exceptions import AppError
from markdown_it import MarkdownIt

from lessons import boundary, final
from lessons import points as own
from lessons.points import MAX_CHARS, MAX_POINTS, PointsError, parse
from tests.helpers import raw_call, still_answers

SQUARES = "x, y, label\n" + "\n".join(f"{x}, {y}, {int(x > 0)}" for x in (-2, -1, 1, 2) for y in (-1, 0, 1))


def percents(text: str) -> list[str]:
    return re.findall(r"\*\*(\d+\.\d%)\*\*", text)


def rendered(text: str) -> str:
    """The Markdown as a page shows it, tags removed: a `**` that does not make bold is left in."""
    return re.sub(r"<[^>]+>", "", MarkdownIt().render(text))


# ---- the text agrees with the run, at the ends of every control ------------------------------------------------------

EXTREMES = [
    dict(dataset="moons", hidden=0, lr=0.01, noise=0.0, steps=10, layers=1),
    dict(dataset="circles", hidden=32, lr=10.0, noise=0.5, steps=300, layers=2),
    dict(dataset="circles", hidden=1, lr=0.5, noise=0.0, steps=600, layers=1),
    dict(dataset="circles", hidden=2, lr=0.5, noise=0.1, steps=600, layers=1),
    dict(dataset="circles", hidden=3, lr=1.0, noise=0.0, steps=1500, layers=1),
    dict(dataset="xor", hidden=0, lr=10.0, noise=0.0, steps=300, layers=2),
    dict(dataset="xor", hidden=4, lr=1.0, noise=0.5, steps=800, layers=1),
    dict(dataset="spiral", hidden=32, lr=0.01, noise=0.0, steps=10, layers=2),
    dict(dataset="blobs", hidden=0, lr=0.5, noise=0.5, steps=3000, layers=1),
]


@pytest.mark.parametrize("settings", EXTREMES, ids=lambda s: "-".join(map(str, s.values())))
def test_at_the_ends_of_its_controls_the_text_says_the_runs_own_numbers(settings):
    result = final(boundary.run(**settings))
    v = result.values
    english, korean = boundary.show(result).text, boundary.show(result, "ko").text
    for text in (english, korean):
        assert percents(text) == [f"{v['accuracy']:.1%}", f"{v['test_accuracy']:.1%}"], text
        assert "**" not in rendered(text)  # every bold is bold, in Korean too ("**96.5%**를" was not)
    assert v["trained"] + v["tested"] == boundary.POINTS and v["tested"] == 50
    diverged = v["losses"][-1] > v["losses"][0]
    assert ("ended higher than it started" in english) == diverged
    if diverged:
        return
    gap = 100 * (v["accuracy"] - v["test_accuracy"])
    assert (f"scores {gap:.1f} points lower" in english) == (gap > 5)
    assert ("within 5 points" in english) == (abs(gap) <= 5)
    assert ("scores higher" in english) == (gap < -5)
    assert ("straight line" in english) == (settings["hidden"] == 0)
    circles_rule = "circles need at least 3 hidden units" in english
    assert circles_rule == (settings["dataset"] == "circles" and settings["layers"] == 1 and settings["hidden"] > 0)
    assert ("no line closes" in english or "two lines cannot close" in english) == (circles_rule and
                                                                                   settings["hidden"] < 3)
    assert ("second layer" in english) == (settings["hidden"] > 0 and settings["layers"] == 2)


def test_circles_need_three_hidden_units_in_one_layer_as_the_text_says():
    two = final(boundary.run(dataset="circles", hidden=2, noise=0.0, steps=1500, lr=1.0)).values
    three = final(boundary.run(dataset="circles", hidden=3, noise=0.0, steps=1500, lr=1.0)).values
    assert two["accuracy"] < 0.9 and three["accuracy"] > 0.95 and three["test_accuracy"] > 0.9


def test_xor_and_the_spiral_need_hidden_units_and_two_layers_train():
    for dataset in ("xor", "spiral"):
        line = final(boundary.run(dataset=dataset, hidden=0)).values
        bent = final(boundary.run(dataset=dataset, hidden=16, layers=2, lr=1.0, steps=1500)).values
        assert line["accuracy"] < 0.75 < 0.85 < bent["accuracy"], dataset
    noiseless = boundary.preset("xor", 0.0)[0]
    assert len({tuple(p) for p in noiseless.round(4)}) == 4  # at noise 0: the tutorial's four points


def test_test_points_are_held_out_of_each_class_and_drawn_hollow():
    result = final(boundary.run(steps=20))
    held, labels = result.values["held"], result.values["labels"]
    assert held.sum() == 50 and labels[held].sum() == 25
    boundary_figure = boundary.show(result).figures[0]
    hollow = [t for t in boundary_figure.data if t.type == "scatter" and t.marker.color == "white"]
    assert {t.name for t in hollow} == {"class 0, test (hollow)", "class 1, test (hollow)"}
    assert sum(len(t.x) for t in hollow) == 50


# ---- the student's own points --------------------------------------------------------------------------------------

def test_own_points_train_in_their_own_units():
    text = "x;y;label\n# in centimetres\n" + "\n".join(f"{100 * x};{y}\t{int(x > 0)}" for x in (-2, -1, 1, 2)
                                                     for y in (-1, 0, 1))
    result = final(boundary.run(dataset="own", hidden=4, steps=400, points=text))
    v = result.values
    assert v["trained"] + v["tested"] == 12 and v["points"][:, 0].max() == 200  # drawn as placed, not standardised
    assert v["xs"][0] < -200 and v["xs"][-1] > 200 and v["accuracy"] == v["test_accuracy"] == 1.0
    shown = boundary.show(result)
    assert shown.figures[0].layout.title.text.startswith("decision boundary on your points")
    assert "straight line" not in shown.text and percents(shown.text) == ["100.0%", "100.0%"]


def test_too_few_own_points_say_how_many_of_each_class_are_needed():
    result = final(boundary.run(dataset="own", points="0, 0, 1\n1, 1, 1\n2, 2, 0"))
    assert boundary.show(result).text.startswith("Place at least 4 points of each class: there are 1 of class 0 "
                                                 "and 2 of class 1.")
    assert boundary.show(result, "ko").text.startswith("클래스마다 점을 4개 이상 찍어 주세요.")
    assert boundary.show(result).figures == (None, None)


@pytest.mark.parametrize("text, message", [
    ("x,y,label\n1,2,0\n1,2", "Line 3 (1,2) has 2 value(s)"),
    ("1, 2, 0\n\n1, two, 1", "Line 3 (1, two, 1): y is “two”, not a number."),
    ("1, nan, 1", "Line 1 (1, nan, 1): y is “nan”, not a number."),
    ("1e7, 0, 1", "Line 1 (1e7, 0, 1): x is 1e7, outside ±1e+06."),
    ("1, 2, 2", "Line 1 (1, 2, 2): the label is “2”; it must be 0 or 1."),
    ("1, 2, 0\n1, 2, 0.5", "Line 2 (1, 2, 0.5): the label is “0.5”"),
    ("0, 0, 1\n" * (MAX_POINTS + 1), f"At most {MAX_POINTS} points are taken, and line {MAX_POINTS + 1} holds one"),
    ("#" * (MAX_CHARS + 1), "Your points are 20,001 characters long; the limit is 20,000."),
])
def test_a_bad_csv_is_refused_naming_the_line_and_what_was_wrong(text, message):
    with pytest.raises(PointsError) as refused:
        parse(text)
    assert refused.value.message.say("en").startswith(message)
    assert refused.value.message.say("ko")  # and in Korean, with the same numbers
    assert str(refused.value.message.values.get("line", "")) in refused.value.message.say("ko")


def test_a_good_csv_is_read_whatever_it_is_separated_by():
    assert parse("x;y;label\n# mine\n\n 1.5 ;-2;1\n3\t4\t0\n5 6 1\n") == [(1.5, -2.0, 1), (3.0, 4.0, 0),
                                                                            (5.0, 6.0, 1)]
    assert parse("") == [] and own.too_few([]).values == {"least": 4, "zero": 0, "one": 0}


# ---- through the API -----------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_own_points_through_the_api_and_older_calls_still_answer(app_url, client):
    text, contour, loss = client.predict("own", 4, 0.5, 0.2, 200, 1, SQUARES, api_name="/boundary_lesson")
    assert "of its 8 training points" in text and "of the 4 test points" in text and contour is not None
    text, *_ = client.predict("circles", 3, 1.0, 0.1, 100, api_name="/boundary_lesson")  # the five inputs of before
    assert "circles need at least 3 hidden units" in text
    event, data = raw_call(app_url, "boundary_lesson", '["blobs", 8, 0.5, 0.2, 100]')
    assert event == "complete" and "of its 150 training points" in data, data[:300]
    text, contour, loss = client.predict("own", 4, 0.5, 0.2, 100, 1, "1, 1, 1", api_name="/boundary_lesson")
    assert text.startswith("Place at least 4 points of each class") and contour is None


@pytest.mark.parametrize("csv, message", [
    ("1, 2, 0\n3, 4, 7", "Line 2 (3, 4, 7): the label is"),
    ("1, 2, 0\n" * (MAX_POINTS + 1), f"At most {MAX_POINTS} points are taken"),
])
def test_a_bad_csv_through_the_raw_api_gets_the_line_and_the_server_goes_on(app_url, client, csv, message):
    event, data = raw_call(app_url, "boundary_lesson", json.dumps(["own", 8, 0.5, 0.2, 100, 1, csv]))
    assert event == "error" and message in data, data[:300]
    with pytest.raises(AppError, match="not a number"):
        client.predict("moons", 8, 0.5, 0.2, 100, 1, "1, b, 1", api_name="/boundary_lesson")
    still_answers(client)


# ---- the plane in a real browser -----------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_student_places_points_with_the_mouse_and_the_keyboard_and_trains_on_them(context_in, app_url, shots):
    import i18n
    from tests.pages import open_app
    from ui.lessons.catalogue import LESSONS

    page = open_app(context_in(), app_url)
    page.get_by_role("tab", name="4 · Lessons").click()
    page.locator("#lessons").get_by_role("tab", name=i18n.numbered([lesson.key for lesson in LESSONS].index("boundary"),
                                                                        "Boundary")).click()
    page.locator("#lesson-boundary").get_by_text("Vary it").click()
    plane = page.locator("#points-points canvas")
    plane.scroll_into_view_if_needed()
    box = plane.bounding_box()
    for dx, dy in ((0.2, 0.3), (0.25, 0.6), (0.3, 0.4), (0.15, 0.7)):  # four of class 0 on the left, by mouse
        page.mouse.click(box["x"] + dx * box["width"], box["y"] + dy * box["height"])
    said = page.locator("#points-points .plane-said")
    assert said.inner_text().startswith("Point 4 placed at (") and "class 0" in said.inner_text()

    plane.focus()  # four of class 1 on the right, by keyboard: 1 picks the class, arrows move the cross, Enter places
    page.keyboard.press("1")
    assert said.inner_text() == "Placing class 1."
    for key, times in (("ArrowRight", 10), ("Enter", 1), ("ArrowUp", 5), ("Enter", 1), ("ArrowDown", 10),
                       ("Enter", 1), ("Shift+ArrowRight", 1), ("Enter", 1)):
        for _ in range(times):
            page.keyboard.press(key)
    assert said.inner_text() == "Point 8 placed at (1.5, -0.5), class 1. 4 of class 0, 4 of class 1."
    page.keyboard.press("c")  # back to class 0, and Backspace takes the last point away
    assert said.inner_text() == "Placing class 0."
    page.keyboard.press("Backspace")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    lines = page.locator("#points-points textarea").input_value().splitlines()
    assert len(lines) == 8 and lines[4:] == ["1, 0, 1", "1, 0.5, 1", "1, -0.5, 1", "1.5, -0.5, 1"]
    assert plane.get_attribute("aria-describedby") == "plane-help" and "arrow keys" in page.locator(
        "#plane-help").inner_text()

    csv = page.locator("#points-points textarea")
    csv.fill(csv.input_value() + "\n2, two, 1")  # a line the server cannot take is named as soon as it is entered
    csv.blur()
    page.get_by_text("Line 9 (2, two, 1): y is “two”, not a number.").wait_for()
    assert csv.input_value().endswith("1.5, -0.5, 1\n2, two, 1")  # nothing the student typed is lost
    csv.fill("\n".join(lines))
    csv.blur()
    mine = page.locator("#lesson-boundary").get_by_role("radio", name="your points")
    page.wait_for_function("el => el.checked", arg=mine.element_handle())  # placing a point chose them
    page.locator("#run-boundary").click()
    page.wait_for_function("""() => {
        const t = document.querySelector('#text-boundary').innerText;
        return t.includes('training points') && !t.startsWith('⏳');
    }""", timeout=120_000)
    text = page.locator("#text-boundary").inner_text()
    assert "of its 6 training points" in text and "of the 2 test points" in text, text
    plot = page.locator("#plot-boundary-0 .js-plotly-plot")
    plot.wait_for(state="visible")  # plotly draws after the text arrives (the full suite once asked too early)
    assert plot.is_visible()
    page.wait_for_timeout(500)  # let plotly finish drawing before the picture
    page.locator("#lesson-boundary").screenshot(path=shots / "lesson-boundary-own.png")
