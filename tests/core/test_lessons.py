"""The article's lessons hold (issue 10): a reduced run of
scripts/check_lessons.py (each lesson on its own seed and 3 others, 2 of
which must hold) and the full check, 4 of 5 others (slow)."""

import importlib.util
import os

import pytest

from ganlab_wasm import Config

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("check_lessons", os.path.join(HERE, "..", "..", "scripts",
                                                                           "check_lessons.py"))
lessons = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lessons)

ARTICLE = lessons.read_lessons()
CLAIMED = [lesson for lesson in ARTICLE if lesson.id in lessons.CLAIMS]


def test_every_autoplaying_lesson_has_a_claim():
    autoplaying = {lesson.id for lesson in ARTICLE if any(e.autoplay for e in lesson.embeds)}
    assert autoplaying == set(lessons.CLAIMS), autoplaying ^ set(lessons.CLAIMS)


def test_a_src_opens_the_defaults_plus_its_settings():
    config, autoplay = lessons.config_from_src("embed.html#k_d=0&seed=1&learning_rate_d=0.0001&speed=fast")
    assert config == Config(k_d=0, seed=1, learning_rate_d=0.0001) and not autoplay
    assert lessons.config_from_src("embed.html#autoplay=1") == (Config(), True)
    with pytest.raises(ValueError, match="k_dd"):
        lessons.config_from_src("embed.html#k_dd=3")


def test_labs_in_a_pair_are_one_lesson():
    html = """<iframe class="lab" id="a" src="embed.html#seed=3"></iframe>
        <div class="pair"><div>x</div><iframe class="lab" id="b" src="embed.html#k_d=1"></iframe>
        <iframe class="lab" id="c" src="embed.html#k_d=5"></iframe></div>
        <iframe class="other" id="d" src="x.html"></iframe>"""
    assert [lesson.id for lesson in lessons.lessons_from_html(html)] == ["a", "b+c"]


def test_a_lab_with_a_comparison_is_one_lesson_of_its_runs():
    html = """<iframe class="lab" id="kd" src="embed.html#k_d=1&seed=4&compare=k_d:3,5"></iframe>"""
    (lesson,) = lessons.lessons_from_html(html)
    assert lesson.id == "kd"
    assert lesson.on_seed(7) == [Config(k_d=k, seed=7) for k in (1, 3, 5)]
    for bad in ("compare=bogus:3", "compare=seed:3", "compare=k_d", "compare=k_d:x"):
        with pytest.raises(ValueError):
            lessons.lessons_from_html(f'<iframe class="lab" id="x" src="embed.html#{bad}"></iframe>')


@pytest.mark.parametrize("lesson", CLAIMED, ids=lambda lesson: lesson.id)
def test_the_lesson_holds_on_its_seed_and_most_of_3_others(lesson):
    verdict = lessons.check(lesson, seeds=3, need=2)
    assert verdict.passed, lessons.report(verdict, verbose=True)


def test_the_minimax_lesson_fails_with_its_old_settings():
    """The check can fail: lesson 5's settings before issue 10 (written for
    SGD; with Adam its learning rates throw the minimax fakes about)."""
    old = "distribution=ring&loss={}&k_d=3&learning_rate_d=0.3&learning_rate_g=0.03&autoplay=1"
    html = f"""<iframe class="lab" id="lab-loss" src="embed.html#{old.format('minimax')}&compare=loss:log"></iframe>"""
    (lesson,) = lessons.lessons_from_html(html)
    verdict = lessons.check(lesson, seeds=1, need=1)
    assert not verdict.own.holds and not verdict.passed, lessons.report(verdict, verbose=True)


@pytest.mark.slow
@pytest.mark.parametrize("lesson", CLAIMED, ids=lambda lesson: lesson.id)
def test_the_lesson_holds_on_its_seed_and_4_of_5_others(lesson):
    verdict = lessons.check(lesson)
    assert verdict.passed, lessons.report(verdict, verbose=True)
