"""Teacher links: query parameters → a tab, settings and locks; anything wrong is a note, never an error."""
import math

import pytest

from ui import links


def test_a_link_opens_the_retrain_tab_with_its_settings_and_locks():
    opened = links.parse({"tab": "retrain", "model": "dnn", "init": "zeros", "epochs": "5", "lock": "init,epochs"})
    assert opened.tab == "retrain" and not opened.ignored
    assert opened.values == {"model": "dnn", "init": "zeros", "epochs": 5}
    assert opened.locked == ["init", "epochs"] and "init, epochs" in opened.note


def test_the_learning_rate_lands_on_the_sliders_steps():
    assert links.parse({"lr": "0.01"}).values["lr"] == -2.0
    assert math.isclose(links.parse({"lr": "0.003"}).values["lr"], -2.5)
    assert links.parse({"lr": "0.003"}).tab == "retrain"  # settings alone open the tab they belong to


@pytest.mark.parametrize("params, named", [
    ({"tab": "nowhere"}, "`tab=nowhere`"),
    ({"epochs": "99"}, "`epochs=99`: must be a whole number from 1 to 30"),
    ({"epochs": "2.5"}, "`epochs=2.5`"),
    ({"lr": "nan"}, "`lr=nan`"),
    ({"lr": "5"}, "`lr=5`"),
    ({"init": "ones"}, "`init=ones`: must be one of"),
    ({"model": "gpt"}, "`model=gpt`"),
    ({"examples": "999999"}, "`examples=999999`"),
    ({"bidirectional": "maybe"}, "must be true or false"),
    ({"colour": "red"}, "`colour` is not a setting"),
    ({"lock": "everything"}, "`lock=everything`"),
    ({"code": "<script>"}, "`code=…`"),
])
def test_unknown_or_out_of_range_parameters_are_ignored_with_a_note(params, named):
    opened = links.parse(params)
    assert named in opened.note and not (set(params) - {"lock", "tab", "code"}) & set(opened.values)
    assert "<script>" not in opened.note


def test_the_copy_button_builds_a_link_that_opens_the_same_settings():
    values = ["dnn", -2.5, 5.0, 2.0, 128.0, 3000.0, 64.0, 0.3, "xavier", False]
    query = links.settings_query(*values)
    assert query.startswith("?tab=retrain&model=dnn&lr=0.00316&epochs=5") and "bidirectional" not in query
    opened = links.parse(dict(pair.split("=") for pair in query[1:].split("&")))
    assert not opened.ignored
    assert opened.values == dict(model="dnn", lr=-2.5, epochs=5, patience=2, batch=128, examples=3000, hidden=64,
                                 dropout=0.3, init="xavier")
    assert "bidirectional=false" in links.settings_query("gru", *values[1:])  # the recurrent kinds have it
