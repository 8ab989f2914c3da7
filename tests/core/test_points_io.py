"""Bring your own data: CSV / whitespace text -> canvas points."""

import numpy as np
import pytest

from ganlab_wasm import Config, Lab
from ganlab_wasm.config import MAX_DRAWN_POINTS, MIN_DRAWN_POINTS
from ganlab_wasm.points_io import MARGIN, PointsError, points_to_csv, read_points


def grid_text(n=20, sep=","):
    return "".join(f"{i}{sep}{2 * (i % 5)}\n" for i in range(n))


def test_csv_and_whitespace_read_the_same_and_fit_the_canvas_keeping_aspect():
    a = read_points("x,y\n" + grid_text())
    b = read_points(grid_text(sep="  \t "))
    c = read_points(grid_text(sep=";"))
    assert a.points == b.points == c.points and len(a.points) == 20
    assert a.notes == ["line 1 was read as a header and skipped"] and not b.notes
    xy = np.array(a.points)
    assert xy.min() >= MARGIN - 1e-12 and xy.max() <= 1 - MARGIN + 1e-12
    width, height = np.ptp(xy, axis=0)
    assert width == pytest.approx(1 - 2 * MARGIN)          # x spans 0..19, y 0..8: x fills the canvas
    assert width / height == pytest.approx(19 / 8)           # aspect ratio kept
    assert xy[:, 1].mean() == pytest.approx(0.5, abs=0.1)    # centred


def test_bad_rows_are_named_by_line_and_skipped():
    text = "# my points\n" + grid_text(12) + "3,four\n\n1 2 3\nnan,1\n"
    result = read_points(text)
    assert len(result.points) == 12 and result.bad_lines == [14, 16, 17]
    assert "line 14 ('3,four')" in result.notes[0] and "line 16" in result.notes[0]


def test_too_few_good_points_is_refused_with_the_reason():
    with pytest.raises(PointsError, match=f"only 3 good point.*at least {MIN_DRAWN_POINTS}.*line 4"):
        read_points("1,2\n3,4\n5,6\nhello world\n")
    with pytest.raises(PointsError, match="no good point"):
        read_points("")
    with pytest.raises(PointsError, match="must be text"):
        read_points(None)


def test_beyond_the_limit_every_kth_point_is_kept():
    result = read_points(grid_text(MAX_DRAWN_POINTS * 2 + 5))
    assert len(result.points) <= MAX_DRAWN_POINTS and result.read == MAX_DRAWN_POINTS * 2 + 5
    assert "one point in 3 was kept" in result.notes[-1]


def test_one_repeated_point_lands_in_the_middle():
    result = read_points("5,5\n" * 12)
    assert set(result.points) == {(0.5, 0.5)}


def test_loaded_points_train_a_drawn_distribution_and_round_trip_as_csv():
    points = read_points(grid_text(30)).points
    lab = Lab(Config(distribution="drawn", points=points))
    lab.train(20)
    again = read_points(points_to_csv(points)).points
    assert np.allclose(again, points, atol=1e-5)
