"""The GAN Lab paper's manual-step experiments read at the page's defaults
(issue 10): scripts/check_paper_steps.py's full check (8 of 10 seeds; it
takes seconds)."""

import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("check_paper_steps", os.path.join(HERE, "..", "..", "scripts",
                                                                               "check_paper_steps.py"))
paper = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(paper)


def test_one_d_step_shows_g_steps_overshoot_and_d_steps_bring_the_fakes_back():
    results = [paper.run_scenario(seed) for seed in range(10)]
    assert sum(r.holds for r in results) >= 8, results


def test_with_gan_labs_single_update_per_click_the_experiments_do_not_read():
    # what the updates per step fix: one update per click barely moves anything
    results = [paper.run_scenario(seed, updates=1) for seed in range(2)]
    assert not any(r.holds for r in results), results
    assert all(r.d_click_visible_share < paper.VISIBLE_SHARE for r in results)
